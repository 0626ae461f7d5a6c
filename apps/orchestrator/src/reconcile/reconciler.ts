import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Labels } from '@sacp/domain';
import { DockerDriver } from '@sacp/docker';
import { Metrics, type JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import type { OrchestratorConfig } from '../config';
import { Leadership, type LeaderRole } from '../leadership/leadership';
import { AgentRegistryReader } from '../queries/agent-registry.reader';
import { AgentConvergence, type AgentPass } from './agent-convergence';
import { ControlPlaneLabels } from './control-plane-labels';
import { DockerWatch } from './docker-watch';
import { VolumeCatalog } from '../volumes/volume-catalog';
import { AgentNetworks } from '../network/agent-networks';
import { Quarantine } from './quarantine';
import { WakeTimers } from './wake-timers';

/**
 * Level-triggered convergence of desired state (the event store) and actual state
 * (containers found by label). Runs on the elected replica only. Reacts to appends
 * (announced on the bus) and Docker events as hints, and makes a full pass on an
 * interval, so a missed hint only delays convergence. This class schedules the
 * passes (one per agent at a time); AgentConvergence carries one out.
 */
@Injectable()
export class Reconciler implements LeaderRole, BeforeApplicationShutdown {
  private active = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly timers = new WakeTimers((agentId) => {
    if (this.active) void this.schedule(agentId);
  });
  /** each agent's observed state as its last pass read it, for `sacp_agents` */
  private readonly observed = new Map<string, string>();
  private readonly pass: AgentPass = { live: () => this.live, timers: this.timers };

  constructor(
    private readonly registry: AgentRegistryReader,
    private readonly docker: DockerDriver,
    private readonly labels: ControlPlaneLabels,
    private readonly agent: AgentConvergence,
    private readonly quarantine: Quarantine,
    private readonly dockerWatch: DockerWatch,
    private readonly leadership: Leadership,
    private readonly volumes: VolumeCatalog,
    private readonly networks: AgentNetworks,
    @Inject(CONFIG) private readonly config: OrchestratorConfig,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {
    leadership.join(this);
  }

  get isActive(): boolean {
    return this.active;
  }

  /** active and still holding the leader lease */
  private get live(): boolean {
    return this.active && this.leadership.holdsLease;
  }

  onElected(): void {
    this.activate();
  }

  onLost(): void {
    this.deactivate();
  }

  activate(): void {
    if (this.active) return;
    this.active = true;
    this.log.info('reconciler active', { instance: this.config.SACP_INSTANCE });
    void this.loop();
    if (this.config.SACP_WATCH_DOCKER_EVENTS === 'true') this.dockerWatch.start((agentId) => void this.schedule(agentId));
  }

  deactivate(): void {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timers.clear();
    this.dockerWatch.stop();
    this.observed.clear();
    Metrics.agents.reset();
    Metrics.volumesOrphaned.reset();
  }

  /** Stops with the application: no new pass starts, and the running ones end first. */
  async beforeApplicationShutdown(): Promise<void> {
    this.deactivate();
    await this.idle();
  }

  /** Waits for every running agent pass to end (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight.values()]);
  }

  /** A stream changed: reconcile the agent it belongs to. */
  onStreamChanged(streamId: string): void {
    if (!this.active) return;
    if (streamId === '') return void this.fullPass().catch((err: unknown) => this.log.warn('reconcile pass failed', { error: err }));
    if (streamId.startsWith('agent-') && !streamId.startsWith('agent-name-')) void this.schedule(streamId.slice('agent-'.length));
    // a team's change (its egress) moves its members between networks
    if (streamId.startsWith('team-')) void this.networks.members(streamId.slice('team-'.length)).then((ids) => ids.forEach((id) => void this.schedule(id)));
  }

  private async loop(): Promise<void> {
    if (!this.active) return;
    try {
      await this.fullPass();
    } catch (err) {
      this.log.warn('reconcile pass failed', { error: err });
    }
    if (this.active) this.timer = setTimeout(() => void this.loop(), this.config.SACP_RECONCILE_INTERVAL_MS);
  }

  /**
   * Every agent the registry knows plus every container carrying this control
   * plane's labels: this instance AND this store's id. Containers of another
   * instance, of another store under the same instance name, or made before store
   * ids existed (no `sacp.store` label) are not looked at here.
   */
  async fullPass(): Promise<void> {
    const end = Metrics.reconcilePassDuration.startTimer();
    try {
      const ids = new Set(await this.registry.activeAgentIds());
      const containers = await this.docker.listByLabels(await this.labels.own());
      for (const c of containers) {
        const agentId = c.labels[Labels.agentId];
        if (agentId) ids.add(agentId);
        else if (this.live) await this.quarantine.take(this.pass.live, c, null).catch((err: unknown) => this.log.warn('quarantine failed', { containerId: c.id, error: err }));
      }
      await Promise.all([...ids].map((id) => this.schedule(id)));
      this.countAgents(ids);
      // orphaned volumes are reported (a log line once, the sacp_volumes_orphaned gauge), never removed
      if (this.live) await this.networks.sweep(this.pass.live).catch((err: unknown) => this.log.warn('network sweep failed', { error: err }));
      if (this.live) await this.volumes.reportOrphans(new Set(await this.registry.activeAgentIds())).catch((err: unknown) => this.log.warn('volume scan failed', { error: err }));
    } finally {
      end();
    }
  }

  /** One pass per agent at a time; a request during a pass runs one more pass after it. */
  schedule(agentId: string): Promise<void> {
    const running = this.inFlight.get(agentId);
    if (running) {
      this.again.add(agentId);
      return running;
    }
    const p = (async () => {
      try {
        do {
          this.again.delete(agentId);
          const state = await this.agent.converge(agentId, this.pass);
          if (state) this.observed.set(agentId, state.observed);
          else this.observed.delete(agentId);
        } while (this.again.has(agentId) && this.active);
      } catch (err) {
        this.log.warn('reconcile failed', { agentId, error: err });
      } finally {
        this.inFlight.delete(agentId);
      }
    })();
    this.inFlight.set(agentId, p);
    return p;
  }

  /** `sacp_agents` by observed state, for the agents of the last full pass (removed ones no longer count). */
  private countAgents(ids: Set<string>): void {
    if (!this.active) return;
    for (const id of this.observed.keys()) if (!ids.has(id)) this.observed.delete(id);
    const counts = new Map<string, number>();
    for (const state of this.observed.values()) if (state !== 'removed') counts.set(state, (counts.get(state) ?? 0) + 1);
    Metrics.agents.reset();
    for (const [state, n] of counts) Metrics.agents.set({ state }, n);
  }
}
