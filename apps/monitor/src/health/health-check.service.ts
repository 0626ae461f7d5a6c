import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { type AgentState, probeDue, recordProbe, startProbing, type ProbeState, type TemplateHealthCheck } from '@sacp/domain';
import { DockerDriver } from '@sacp/docker';
import { JsonLogger } from '@sacp/platform';
import { FleetView } from '../fleet/fleet-view';
import { MonitorLeader } from '../monitor-leader';
import { MonitorSettings } from '../monitor.settings';
import { PassLoop } from '../passes';
import { ControlPlaneCommands } from '../recovery/control-plane-commands';
import { httpProbe } from './http-probe';

const SOURCE = 'monitor:health';
type HttpCheck = Extract<TemplateHealthCheck, { type: 'http' }>;

/**
 * Runs each agent's health check as its template declares it, for containers that run:
 * - `docker` and `command`: Docker runs them (the orchestrator turns a `command` check
 *   into the container's HEALTHCHECK); the monitor reads Docker's verdict at each
 *   interval and at once on a `health_status` event;
 * - `http`: the monitor GETs the path on the port's published loopback address (or, for an
 *   agent on an internal team network, where Docker publishes nothing, at the container's
 *   address), with the template's interval, timeout, retries and start period (probe-threshold.ts).
 * A verdict that differs from the recorded health is reported with agent.report_health;
 * the orchestrator records agent.health_changed, and recovery restarts an unhealthy agent.
 * Run only by the elected replica, one scheduler step every MONITOR_HEALTH_TICK_MS
 * (DockerHealthWatcher adds Docker's events). Templates without a health check are not probed:
 * an image's own HEALTHCHECK counts only when the template says `{ "type": "docker" }`.
 */
@Injectable()
export class HealthChecker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly http = new Map<string, ProbeState>();
  private readonly ports = new Map<string, { runKey: string; host: string; port: number }>();
  private readonly dockerDue = new Map<string, { runKey: string; dueAt: number }>();
  private readonly busy = new Set<string>();
  private readonly sending = new Set<string>();
  private readonly loop: PassLoop;

  constructor(
    private readonly fleet: FleetView,
    private readonly docker: DockerDriver,
    private readonly commands: ControlPlaneCommands,
    private readonly log: JsonLogger,
    leader: MonitorLeader,
    settings: MonitorSettings,
  ) {
    this.loop = new PassLoop(
      'health',
      settings.healthTickMs,
      () => leader.isLeader,
      () => this.tick(),
      log,
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  beforeApplicationShutdown(): void {
    this.loop.stop();
  }

  /** One scheduler step: start every check that is due; never waits for a slow probe. */
  tick(now = Date.now()): void {
    const live = new Set<string>();
    for (const agent of this.fleet.all()) {
      const hc = this.fleet.template(agent.template)?.healthCheck;
      if (!hc || !this.probed(agent)) continue;
      live.add(agent.agentId);
      if (this.busy.has(agent.agentId)) continue;
      if (hc.type === 'http') this.maybeProbeHttp(agent, hc, now);
      else {
        const runKey = this.runKey(agent);
        const due = this.dockerDue.get(agent.agentId);
        if (due && due.runKey === runKey && due.dueAt > now) continue;
        this.dockerDue.set(agent.agentId, { runKey, dueAt: now + hc.intervalSeconds * 1000 });
        this.guard(agent.agentId, () => this.readDockerHealth(agent, hc.type === 'command' ? 'command' : 'docker'));
      }
    }
    for (const m of [this.http, this.ports, this.dockerDue]) for (const id of m.keys()) if (!live.has(id)) m.delete(id);
  }

  /** Docker said a container's health changed: read it now. */
  onDockerHealthEvent(containerId: string): void {
    const agent = this.fleet.all().find((a) => a.containerId === containerId || (containerId.length >= 12 && a.containerId?.startsWith(containerId)));
    if (!agent || !this.probed(agent)) return;
    const hc = this.fleet.template(agent.template)?.healthCheck;
    if (!hc || hc.type === 'http') return;
    if (this.busy.has(agent.agentId)) return void this.dockerDue.delete(agent.agentId); // read at the next tick
    this.guard(agent.agentId, () => this.readDockerHealth(agent, hc.type === 'command' ? 'command' : 'docker'));
  }

  private probed(a: AgentState): boolean {
    return a.observed === 'running' && a.desired === 'running' && !!a.containerId && !!a.runningSince;
  }

  private runKey(a: AgentState): string {
    return `${a.containerId}:${a.runningSince}`;
  }

  private guard(agentId: string, work: () => Promise<void>): void {
    this.busy.add(agentId);
    void work()
      .catch((err: unknown) => this.log.warn('health check failed to run', { agentId, error: err }))
      .finally(() => this.busy.delete(agentId));
  }

  private async readDockerHealth(agent: AgentState, probe: 'docker' | 'command'): Promise<void> {
    const detail = await this.docker.health(agent.containerId!);
    if (!detail || detail.status === 'starting') return;
    const last = detail.last;
    const output =
      detail.status === 'healthy'
        ? `Docker HEALTHCHECK passed${last?.output ? `: ${last.output}` : ''}`
        : `Docker HEALTHCHECK failed ${detail.failingStreak} time${detail.failingStreak === 1 ? '' : 's'} in a row${last ? ` (last exit ${last.exitCode}${last.output ? `: ${last.output}` : ''})` : ''}`;
    await this.report(agent, detail.status, probe, output);
  }

  private maybeProbeHttp(agent: AgentState, hc: HttpCheck, now: number): void {
    const runKey = this.runKey(agent);
    let state = this.http.get(agent.agentId);
    if (!state || `${state.containerId}:${state.runningSince}` !== runKey) {
      state = startProbing(agent.containerId!, agent.runningSince!, hc);
      this.http.set(agent.agentId, state);
    }
    if (!probeDue(state, new Date(now).toISOString())) return;
    this.guard(agent.agentId, async () => {
      const target = await this.target(agent, hc.port, runKey);
      const at = () => new Date().toISOString();
      const outcome = target
        ? await httpProbe(target.host, target.port, hc.path, hc.timeoutSeconds * 1000, at)
        : { ok: false, output: `port ${hc.port} is not published and the container has no address`, at: at() };
      // a failed probe looks the address up again next time: the container may have moved networks (its team's egress changed)
      if (!outcome.ok) this.ports.delete(agent.agentId);
      const current = this.http.get(agent.agentId);
      if (!current || `${current.containerId}:${current.runningSince}` !== runKey) return; // the run changed meanwhile
      const step = recordProbe(current, hc, outcome);
      this.http.set(agent.agentId, step.state);
      // report a change, and repeat a verdict the recorded health does not show yet (a lost report)
      const verdict = step.state.verdict;
      if (step.report) await this.report(agent, step.report.status, 'http', step.report.output);
      else if (verdict !== 'starting' && verdict !== this.fleet.agent(agent.agentId)?.health) await this.report(agent, verdict, 'http', step.state.lastOutput);
    });
  }

  private async target(agent: AgentState, containerPort: number, runKey: string): Promise<{ host: string; port: number } | null> {
    const cached = this.ports.get(agent.agentId);
    if (cached && cached.runKey === runKey) return cached;
    const published = await this.docker.publishedPort(agent.containerId!, containerPort);
    // Docker publishes no port of a container on an internal network (a team without egress):
    // the monitor, on the Docker host, probes the container at its address on that network
    const address = published ? null : Object.values((await this.docker.inspect(agent.containerId!))?.networks ?? {}).find((ip) => ip !== '');
    if (!published && !address) return null;
    // published on all addresses or on loopback: probe through loopback either way
    const host = published ? (published.hostIp === '0.0.0.0' || published.hostIp === '' ? '127.0.0.1' : published.hostIp) : address!;
    const t = { runKey, host, port: published ? published.hostPort : containerPort };
    this.ports.set(agent.agentId, t);
    return t;
  }

  /**
   * Reports a verdict the recorded state does not show. The command id names the
   * container, the verdict and the agent's stream version it was decided against: a
   * retry or a second replica deciding on the same recorded state sends the same id and
   * records nothing twice, while a later transition of the same container (after a
   * restart, say) gets a new one.
   */
  private async report(agent: AgentState, status: 'healthy' | 'unhealthy', probe: 'docker' | 'command' | 'http', output: string): Promise<void> {
    const current = this.fleet.agent(agent.agentId);
    if (!current || !agent.containerId || current.containerId !== agent.containerId || current.health === status) return;
    const commandId = `health:${agent.containerId}:${status}:${current.version}`;
    if (this.sending.has(commandId)) return;
    this.sending.add(commandId);
    this.log.info('health changed', { agentId: agent.agentId, name: agent.name, status, probe, output });
    const reply = await this.commands.send(
      'agent.report_health',
      { agent: agent.agentId, containerId: agent.containerId, status, probe, output: output.slice(0, 2000) },
      { commandId, cause: null, source: SOURCE },
    );
    // keep the id until the recorded event has reached the fleet view; an undelivered one may be sent again
    if (!reply) this.sending.delete(commandId);
    else setTimeout(() => this.sending.delete(commandId), 30_000).unref();
  }
}
