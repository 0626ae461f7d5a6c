import { createHash } from 'node:crypto';
import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { StoredEvent, RecoveryCause } from '@sacp/events';
import { type AgentState, classifyExit, containerName, decideRecovery, TemplateSchema } from '@sacp/domain';
import { DockerDriver } from '@sacp/docker';
import { JsonLogger } from '@sacp/platform';
import { FleetView, type FleetChange } from '../fleet/fleet-view';
import { PassLoop } from '../passes';
import { ControlPlaneCommands } from './control-plane-commands';

/** A failure the policy has to answer, with what the agent looked like just before it. */
interface Failure {
  event: StoredEvent;
  cause: RecoveryCause;
  runningSinceBefore: string | null;
}

/** The restart policy an adopted agent (no template) gets: the template schema's defaults. */
const DEFAULT_POLICY = TemplateSchema.parse({ name: 'adopted', image: 'none' }).restartPolicy;

/** A stable draw in [0, 1) per failure, so every replica and every replay computes the same jitter. */
/** How often unanswered failures are looked at again (a command that could not be delivered, a monitor that was down). */
const RESUME_EVERY_MS = 5000;

export const drawFor = (eventId: string) => createHash('sha256').update(eventId).digest().readUInt32BE(0) / 2 ** 32;

/**
 * Applies each agent's restart policy to its failures: crashes, OOM kills, exits,
 * containers that vanished and health checks that failed. Decisions become commands
 * to the orchestrator (actor: system, causation: the failure), and the back-off lives
 * in the events those commands record, so a restarted monitor neither repeats nor
 * forgets a restart. Every replica answers (the command ids make answers idempotent):
 * once the history is read, and again every few seconds for what is still unanswered.
 */
@Injectable()
export class RecoveryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** the newest failure of each agent not yet answered by a recorded decision */
  private readonly pending = new Map<string, Failure>();
  private readonly resume: PassLoop;
  private stopped = false;

  constructor(
    private readonly fleet: FleetView,
    private readonly commands: ControlPlaneCommands,
    private readonly docker: DockerDriver,
    private readonly log: JsonLogger,
  ) {
    fleet.onChange((change, live) => this.observe(change, live));
    this.resume = new PassLoop(
      'recovery',
      RESUME_EVERY_MS,
      () => true,
      () => this.resumePending(),
      log,
    );
  }

  onApplicationBootstrap(): void {
    void this.fleet.caughtUp.then(() => {
      if (!this.stopped) this.resume.start({ now: true });
    });
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    this.resume.stop();
  }

  /** After the history is read: answer what failed while no monitor was watching. */
  async resumePending(): Promise<void> {
    for (const failure of [...this.pending.values()]) await this.answer(failure);
  }

  private failureOf(c: FleetChange): Failure | null {
    const { event, before, after } = c;
    const base = { event, runningSinceBefore: before.runningSince };
    switch (event.type) {
      case 'agent.container_exited': {
        const d = event.data as { exitCode: number | null; oomKilled: boolean };
        return { ...base, cause: { eventId: event.eventId, ...classifyExit(d.exitCode, d.oomKilled) } };
      }
      case 'agent.container_removed':
        // the recorded container disappeared while the agent should run: removed outside the control plane
        // (a container of an earlier generation, replaced after a change of team, is not a failure)
        if (
          before.containerId === (event.data as { containerId: string }).containerId &&
          before.desired === 'running' &&
          after.observed === 'absent' &&
          (before.adopted || before.containerName === containerName(before))
        )
          return { ...base, cause: { eventId: event.eventId, kind: 'vanished', detail: 'the container was removed outside the control plane' } };
        return null;
      case 'agent.health_changed':
        if ((event.data as { status: string }).status !== 'unhealthy') return null;
        return { ...base, cause: { eventId: event.eventId, kind: 'unhealthy', detail: (event.data as { output: string }).output.slice(0, 300) } };
      default:
        return null;
    }
  }

  /** alert keys open right now, from alert.raised / alert.resolved */
  private readonly openAlerts = new Set<string>();

  private async observe(change: FleetChange, live: boolean): Promise<void> {
    const { event } = change;
    if (event.type === 'alert.raised') return void this.openAlerts.add((event.data as { key: string }).key);
    if (event.type === 'alert.resolved') return void this.openAlerts.delete((event.data as { key: string }).key);
    const agentId = change.after.agentId;
    if (!agentId) return;
    const alertKey = `agent:${agentId}:recovery`;
    if (live && this.openAlerts.has(alertKey) && (event.type === 'agent.container_started' || event.type === 'agent.container_restarted' || event.type === 'agent.removed'))
      await this.commands.send(
        'alert.resolve',
        { key: alertKey, message: event.type === 'agent.removed' ? `${change.after.name} was removed` : `${change.after.name} is running again` },
        { commandId: `alert-resolve:${event.eventId}`, cause: event, source: 'monitor:recovery' },
      );
    const failure = this.failureOf(change);
    if (failure) this.pending.set(agentId, failure);
    else if (this.answered(agentId, change.after)) this.pending.delete(agentId);
    if (live && failure) await this.answer(failure);
  }

  /** A decision for the pending failure is recorded, or the agent no longer needs one. */
  private answered(agentId: string, state: AgentState): boolean {
    const f = this.pending.get(agentId);
    if (!f) return true;
    if (!state.exists || state.desired !== 'running' || state.lastRecoveryCauseId === f.cause.eventId) return true;
    if (state.restartSeqRequested > state.restartSeqDone) return true; // a restart is on its way already
    // an unhealthy container still runs: answered once it is healthy again or restarted
    if (f.cause.kind === 'unhealthy') return state.health !== 'unhealthy';
    return state.observed === 'running';
  }

  private async answer(failure: Failure): Promise<void> {
    const agentId = failure.event.streamId.slice('agent-'.length);
    const state = this.fleet.agent(agentId);
    if (!state || this.answered(agentId, state)) return;
    const policy = this.fleet.template(state.template)?.restartPolicy ?? DEFAULT_POLICY;
    const decision = decideRecovery(state, policy, failure.cause, failure.event.metadata.occurredAt, failure.runningSinceBefore, drawFor(failure.event.eventId));
    this.log.info('recovery decision', { agentId, name: state.name, cause: failure.cause.kind, decision });
    if (decision.action === 'none') return;
    if (decision.action === 'restart') {
      await this.commands.send(
        'agent.schedule_restart',
        { agent: agentId, attempt: decision.attempt, delayMs: decision.delayMs, cause: failure.cause },
        { commandId: `recovery:${failure.event.eventId}`, cause: failure.event, source: 'monitor:recovery', reason: decision.why },
      );
      return;
    }
    await this.commands.send(
      'agent.abandon_recovery',
      { agent: agentId, attempts: decision.attempts, windowSeconds: policy.windowSeconds, cause: failure.cause },
      { commandId: `recovery:${failure.event.eventId}`, cause: failure.event, source: 'monitor:recovery', reason: decision.why },
    );
    const lastLogLines = state.containerId
      ? await this.docker
          .logsTail(state.containerId, 10)
          .then((lines) => lines.map((l) => l.line))
          .catch(() => [])
      : [];
    await this.commands.send(
      'alert.raise',
      {
        key: `agent:${agentId}:recovery`,
        severity: 'critical',
        agent: agentId,
        cause: 'recovery_abandoned',
        message: `${state.name} failed ${decision.attempts + 1} times (last: ${failure.cause.detail}); ${decision.why}; automatic restarts stopped until an operator starts it`,
        lastLogLines,
      },
      { commandId: `alert:${failure.event.eventId}`, cause: failure.event, source: 'monitor:recovery' },
    );
  }
}
