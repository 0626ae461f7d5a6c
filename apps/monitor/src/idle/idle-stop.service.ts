import { Injectable } from '@nestjs/common';
import type { StoredEvent } from '@sacp/events';
import { decideIdle, observeIdle, startIdleClock, type IdleClock, type IdleThresholds } from '@sacp/domain';
import { DockerDriver } from '@sacp/docker';
import { JsonLogger } from '@sacp/platform';
import { FleetView } from '../fleet/fleet-view';
import { MonitorSettings } from '../monitor.settings';
import { ControlPlaneCommands } from '../recovery/control-plane-commands';
import { ResourceSampler, type SamplePass } from '../resources/resource-sampler.service';

const SOURCE = 'monitor:idle';

/**
 * Stops agents whose template sets `idleTimeoutSeconds` once they have shown no
 * activity for that long. Activity is CPU above a small share of a core, bytes sent
 * on the network, or a new log line (see libs/domain/src/monitoring/idle-clock.ts);
 * each resource sample pass is one observation, and the log check reads the newest
 * line's timestamp. The clock restarts when the container (re)starts.
 *
 * The command id is derived from the run (`idle:<containerId>:<runningSince>`), so a
 * retry or another replica cannot stop the agent twice for the same idle period, and
 * an agent started again (by any command) is a new run with a new clock.
 */
@Injectable()
export class IdleStopper {
  private readonly clocks = new Map<string, IdleClock>();
  /** the event that started each agent's current run: the cause of an idle stop */
  private readonly runStarts = new Map<string, StoredEvent>();
  private readonly stopping = new Set<string>();
  /** tasks assigned to or running on an agent (task id → agent id): such an agent is never idle-stopped */
  private readonly heldTasks = new Map<string, string>();
  private readonly thresholds: IdleThresholds;

  constructor(
    private readonly fleet: FleetView,
    private readonly docker: DockerDriver,
    private readonly commands: ControlPlaneCommands,
    settings: MonitorSettings,
    private readonly log: JsonLogger,
    sampler: ResourceSampler,
  ) {
    this.thresholds = settings.idle;
    sampler.onPass('idle', (pass) => this.onPass(pass));
    fleet.onChange(({ event, after }) => {
      if (event.type === 'agent.container_started' || event.type === 'agent.container_restarted') this.runStarts.set(after.agentId, event);
      else if (event.type.startsWith('task.')) this.onTaskEvent(event);
    });
  }

  async onPass(pass: SamplePass): Promise<void> {
    const seen = new Set<string>();
    for (const { agent, sample, cpuUsageNanos } of pass.agents) {
      const timeout = this.fleet.template(agent.template)?.idleTimeoutSeconds;
      if (!timeout || agent.desired !== 'running' || !agent.runningSince || sample.containerId !== agent.containerId) continue;
      const runKey = `${agent.containerId}:${agent.runningSince}`;
      if (this.holdsTask(agent.agentId)) {
        // working on a task is not idleness, whatever its CPU: the clock starts again when the task ends
        this.clocks.delete(agent.agentId);
        continue;
      }
      seen.add(agent.agentId);
      let clock = this.clocks.get(agent.agentId);
      if (!clock || `${clock.containerId}:${clock.runningSince}` !== runKey) clock = startIdleClock(agent.containerId, agent.runningSince, pass.at);
      const lastLogAt = await this.newestLogAt(agent.containerId);
      if (lastLogAt === undefined) continue; // could not read the logs: this pass observes nothing
      clock = observeIdle(clock, { at: pass.at, cpuUsageNanos, networkBytes: sample.networkTxBytes, lastLogAt }, this.thresholds);
      this.clocks.set(agent.agentId, clock);
      const decision = decideIdle(clock, pass.at, timeout, this.thresholds);
      if (decision.action === 'stop' && !this.stopping.has(runKey)) {
        this.stopping.add(runKey);
        this.log.info('stopping an idle agent', { agentId: agent.agentId, name: agent.name, reason: decision.reason });
        const reply = await this.commands.send(
          'agent.stop',
          { agent: agent.agentId },
          { commandId: `idle:${runKey}`, cause: this.runStarts.get(agent.agentId) ?? null, source: SOURCE, reason: decision.reason },
        );
        if (!reply) this.stopping.delete(runKey); // not delivered: the next pass tries again with the same id
      }
    }
    for (const id of this.clocks.keys()) if (!seen.has(id)) this.clocks.delete(id);
    const current = new Set([...this.clocks.values()].map((c) => `${c.containerId}:${c.runningSince}`));
    for (const k of this.stopping) if (!current.has(k)) this.stopping.delete(k);
  }

  /** Follows which agent holds which task, from the task events (assigned: held; ended in any way: not). */
  private onTaskEvent(event: StoredEvent): void {
    const d = event.data as { taskId?: unknown; agentId?: unknown };
    if (typeof d.taskId !== 'string') return;
    if (event.type === 'task.assigned' && typeof d.agentId === 'string') this.heldTasks.set(d.taskId, d.agentId);
    else if (['task.succeeded', 'task.attempt_failed', 'task.requeued', 'task.failed', 'task.cancelled'].includes(event.type)) this.heldTasks.delete(d.taskId);
  }

  holdsTask(agentId: string): boolean {
    for (const a of this.heldTasks.values()) if (a === agentId) return true;
    return false;
  }

  /** timestamp of the newest log line; null when there is none; undefined when it could not be read */
  private async newestLogAt(containerId: string): Promise<string | null | undefined> {
    try {
      const [line] = await this.docker.logsTail(containerId, 1);
      return line?.ts ?? null;
    } catch (err) {
      this.log.debug('could not read logs for the idle check', { containerId, error: err });
      return undefined;
    }
  }
}
