import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { type AgentState, cpuPercentBetween, type AgentResourceSample, type CpuReading, type HostResourceSample } from '@sacp/domain';
import { DockerDriver } from '@sacp/docker';
import { JsonLogger } from '@sacp/platform';
import { NATS } from '@sacp/platform/nest';
import { FleetView } from '../fleet/fleet-view';
import { MonitorLeader } from '../monitor-leader';
import { MonitorSettings } from '../monitor.settings';
import { PassLoop, runPass, type MonitorPass } from '../passes';
import { HostSampler } from './host-sampler';
import { MetricsSubjects } from './metrics.subjects';

/**
 * Docker answers a one-shot stats call on its ~1 s collector tick, and calls made
 * together share a tick: a pass costs about one tick per batch. Batches of 8 took
 * 27 s for 200 agents (bench/monitor-footprint), where all calls at once took 1.5 s.
 */
export const STATS_CONCURRENCY = 100;

export interface SamplePass {
  at: string;
  host: HostResourceSample | null;
  /** the agents sampled in this pass, with their state at the time */
  /** with the container's cumulative CPU counter, for checks that average over their own window */
  agents: Array<{ agent: AgentState; sample: AgentResourceSample; cpuUsageNanos: number }>;
}

export type SampleListener = (pass: SamplePass) => Promise<void>;

/**
 * Samples the host and every running agent's container, publishes the samples on
 * NATS core subjects and hands each pass to listeners (threshold alerts, idle stop).
 * Run only by the elected replica, every MONITOR_SAMPLE_INTERVAL_MS.
 */
@Injectable()
export class ResourceSampler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** the previous CPU counter of each container, to turn two readings into a share */
  private readonly cpu = new Map<string, CpuReading>();
  private readonly listeners: Array<{ pass: MonitorPass; listener: SampleListener }> = [];
  private readonly loop: PassLoop;

  constructor(
    private readonly fleet: FleetView,
    private readonly docker: DockerDriver,
    private readonly host: HostSampler,
    @Inject(NATS) private readonly nc: NatsConnection,
    private readonly log: JsonLogger,
    leader: MonitorLeader,
    settings: MonitorSettings,
  ) {
    this.loop = new PassLoop(
      'resources',
      settings.sampleIntervalMs,
      () => leader.isLeader,
      () => this.pass(),
      log,
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  beforeApplicationShutdown(): void {
    this.loop.stop();
  }

  /** `listener` sees every pass, as a pass of its own (timed, its log lines marked with `pass`). */
  onPass(pass: MonitorPass, listener: SampleListener): void {
    this.listeners.push({ pass, listener });
  }

  /** One sampling pass, then its listeners (threshold alerts, idle stop) one after the other. */
  async pass(now = new Date()): Promise<SamplePass> {
    const pass = await this.sample(now);
    for (const { pass: name, listener } of this.listeners)
      await runPass(name, () => listener(pass)).catch((err: unknown) => this.log.warn('a sample listener failed', { pass: name, error: err }));
    return pass;
  }

  private async sample(now: Date): Promise<SamplePass> {
    const at = now.toISOString();
    const host = await this.host.sample(at).catch((err: unknown) => {
      this.log.warn('host sample failed', { error: err });
      return null;
    });
    if (host) this.nc.publish(MetricsSubjects.host, JSON.stringify(host));

    const running = this.fleet.all().filter((a) => a.observed === 'running' && a.containerId);
    const agents: SamplePass['agents'] = [];
    for (let i = 0; i < running.length; i += STATS_CONCURRENCY) {
      const batch = await Promise.all(running.slice(i, i + STATS_CONCURRENCY).map((a) => this.sampleAgent(a)));
      for (const s of batch) if (s) agents.push(s);
    }
    const live = new Set(running.map((a) => a.containerId));
    for (const id of this.cpu.keys()) if (!live.has(id)) this.cpu.delete(id);

    return { at, host, agents };
  }

  private async sampleAgent(agent: AgentState): Promise<SamplePass['agents'][number] | null> {
    const containerId = agent.containerId!;
    const stats = await this.docker.stats(containerId).catch((err: unknown) => {
      this.log.debug('stats failed', { agentId: agent.agentId, containerId, error: err });
      return null;
    });
    if (!stats) return null;
    const reading = { usageNanos: stats.cpuUsageNanos, at: stats.readAt };
    const prev = this.cpu.get(containerId) ?? null;
    const cpuPercent = cpuPercentBetween(prev, reading);
    this.cpu.set(containerId, reading);
    const sample: AgentResourceSample = {
      agentId: agent.agentId,
      containerId,
      cpuPercent,
      memoryBytes: stats.memoryBytes,
      memoryLimitBytes: stats.memoryLimitBytes,
      networkRxBytes: stats.networkRxBytes,
      networkTxBytes: stats.networkTxBytes,
      pids: stats.pids,
      at: stats.readAt,
    };
    this.nc.publish(MetricsSubjects.agent(agent.agentId), JSON.stringify(sample));
    return { agent, sample, cpuUsageNanos: stats.cpuUsageNanos };
  }
}
