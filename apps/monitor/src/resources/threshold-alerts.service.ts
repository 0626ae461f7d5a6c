import { Injectable } from '@nestjs/common';
import { crossThreshold, type Threshold } from '@sacp/domain';
import { JsonLogger } from '@sacp/platform';
import { ControlPlaneCommands } from '../recovery/control-plane-commands';
import { FleetView } from '../fleet/fleet-view';
import { MonitorSettings, type ThresholdConfig } from '../monitor.settings';
import { OpenAlerts } from './open-alerts';
import { ResourceSampler, type SamplePass } from './resource-sampler.service';

interface Check {
  key: string;
  agent: string | null;
  cause: string;
  value: number;
  threshold: Threshold;
  raise: string;
  resolve: string;
}

const SOURCE = 'monitor:resources';
const pct = (n: number) => `${Math.round(n * 10) / 10}%`;

/**
 * Turns resource samples into alerts: the host's memory, disk and load, and each
 * agent's memory against its limit. An alert is raised when a value crosses its
 * threshold and resolved when it is back below it by the hysteresis; the orchestrator
 * records a raise only while the key is not open, so repeats are harmless. Fed by
 * each resource sample pass.
 */
@Injectable()
export class ThresholdAlerts {
  /** commands in flight, by command id: a slow reply is not a reason to send again */
  private readonly sending = new Set<string>();
  private readonly config: ThresholdConfig;

  constructor(
    private readonly fleet: FleetView,
    private readonly alerts: OpenAlerts,
    private readonly commands: ControlPlaneCommands,
    settings: MonitorSettings,
    private readonly log: JsonLogger,
    sampler: ResourceSampler,
  ) {
    this.config = settings.thresholds;
    sampler.onPass('thresholds', (pass) => this.onPass(pass));
  }

  async onPass(pass: SamplePass): Promise<void> {
    const checks: Check[] = [];
    const h = pass.host;
    const t = (threshold: number): Threshold => ({ threshold, hysteresis: this.config.hysteresisPercent });
    if (h) {
      const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
      checks.push({
        key: 'host:memory',
        agent: null,
        cause: 'host_memory',
        value: h.memoryPercent,
        threshold: t(this.config.hostMemoryPercent),
        raise: `host memory ${pct(h.memoryPercent)} used (${gib(h.memoryUsedBytes)} of ${gib(h.memoryTotalBytes)}; threshold ${pct(this.config.hostMemoryPercent)})`,
        resolve: `host memory ${pct(h.memoryPercent)} used`,
      });
      checks.push({
        key: 'host:disk',
        agent: null,
        cause: 'host_disk',
        value: h.diskPercent,
        threshold: t(this.config.hostDiskPercent),
        raise: `disk ${h.diskPath} ${pct(h.diskPercent)} used (${gib(h.diskUsedBytes)} of ${gib(h.diskTotalBytes)}; threshold ${pct(this.config.hostDiskPercent)})`,
        resolve: `disk ${h.diskPath} ${pct(h.diskPercent)} used`,
      });
      const perCpu = h.load[1] / Math.max(1, h.cpuCount);
      checks.push({
        key: 'host:load',
        agent: null,
        cause: 'host_load',
        value: perCpu,
        // the hysteresis is in points of %, the load in multiples of the CPU count: scale it
        threshold: { threshold: this.config.hostLoadPerCpu, hysteresis: (this.config.hostLoadPerCpu * this.config.hysteresisPercent) / 100 },
        raise: `host load ${h.load[1].toFixed(2)} over 5 minutes on ${h.cpuCount} CPUs (threshold ${this.config.hostLoadPerCpu} per CPU)`,
        resolve: `host load ${h.load[1].toFixed(2)} over 5 minutes`,
      });
    }
    for (const { agent, sample } of pass.agents) {
      // a template's own thresholds override the monitor's defaults
      const template = this.fleet.template(agent.template);
      if (sample.memoryLimitBytes > 0) {
        const used = (sample.memoryBytes / sample.memoryLimitBytes) * 100;
        const limit = template?.alerts.memoryPercent ?? this.config.agentMemoryPercent;
        const mib = (b: number) => `${Math.round(b / 2 ** 20)} MiB`;
        checks.push({
          key: `agent:${agent.agentId}:memory`,
          agent: agent.agentId,
          cause: 'agent_memory',
          value: used,
          threshold: t(limit),
          raise: `${agent.name} uses ${pct(used)} of its memory limit (${mib(sample.memoryBytes)} of ${mib(sample.memoryLimitBytes)}; threshold ${pct(limit)})`,
          resolve: `${agent.name} uses ${pct(used)} of its memory limit`,
        });
      }
      const cpuLimit = template?.alerts.cpuPercent;
      if (template && cpuLimit !== undefined) {
        const used = sample.cpuPercent / template.resources.cpus; // % of one core → % of its CPU limit
        checks.push({
          key: `agent:${agent.agentId}:cpu`,
          agent: agent.agentId,
          cause: 'agent_cpu',
          value: used,
          threshold: t(cpuLimit),
          raise: `${agent.name} uses ${pct(used)} of its CPU limit of ${template.resources.cpus} cores (threshold ${pct(cpuLimit)})`,
          resolve: `${agent.name} uses ${pct(used)} of its CPU limit`,
        });
      }
    }
    for (const c of checks) {
      const action = crossThreshold(this.alerts.isOpen(c.key), c.value, c.threshold);
      if (action) await this.send(action, c.key, action === 'raise' ? c.raise : c.resolve, c);
    }
    // an agent that no longer runs no longer uses memory: its memory alert is over
    const sampled = new Set(pass.agents.map((a) => a.agent.agentId));
    for (const key of this.alerts.openKeys('agent:').filter((k) => k.endsWith(':memory'))) {
      const agentId = key.slice('agent:'.length, -':memory'.length);
      const a = this.fleet.agent(agentId);
      if (!sampled.has(agentId) && (!a || !a.exists || a.observed !== 'running')) await this.send('resolve', key, `${a?.name || agentId} is not running`, null);
    }
  }

  private async send(action: 'raise' | 'resolve', key: string, message: string, c: Check | null): Promise<void> {
    const commandId = `threshold:${key}:${this.alerts.version(key)}`;
    if (this.sending.has(commandId)) return;
    this.sending.add(commandId);
    try {
      this.log.info(action === 'raise' ? 'resource threshold crossed' : 'resource back below threshold', { key, message });
      if (action === 'raise')
        await this.commands.send(
          'alert.raise',
          { key, severity: 'warning', agent: c!.agent, cause: c!.cause, message, lastLogLines: [] },
          { commandId, cause: null, source: SOURCE },
        );
      else await this.commands.send('alert.resolve', { key, message }, { commandId, cause: null, source: SOURCE });
    } finally {
      // keep the id for a while: the recorded event reaches the fleet view a moment after the reply
      setTimeout(() => this.sending.delete(commandId), 30_000).unref();
    }
  }
}
