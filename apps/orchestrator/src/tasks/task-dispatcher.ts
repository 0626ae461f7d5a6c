import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { agentDeathReason, pickAssignee, pickTargetAgent, taskHolderDied, type AgentState, type TaskCandidate, type TaskState } from '@sacp/domain';
import { Projector, TaskRepository } from '@sacp/event-store';
import { SYSTEM_ACTOR, Subjects } from '@sacp/events';
import { type JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER, NATS } from '@sacp/platform/nest';
import type { OrchestratorConfig } from '../config';
import { Leadership, type LeaderRole } from '../leadership/leadership';
import { TeamLocator } from '../teams/team-locator';
import { TaskOffers } from './task-offers';
import { TaskLocator } from './task-locator';
import { TaskWriter } from './task-writer';

const SOURCE = 'orchestrator:tasks';
/** tasks looked at in one pass, per kind (queued, held, due): a bound on one pass's work */
const PASS_LIMIT = 200;
/** how long an assignment this replica made counts towards its agent's load without the read model showing it */
const RECENT_ASSIGNMENT_MS = 5000;

/**
 * The dispatcher, on the elected orchestrator: each pass (on election, on a commit
 * of a task or agent stream, on a report, on a timer) ends overdue attempts (their
 * due times are in the tasks read model, so a restarted leader finds them), gives
 * back the tasks whose agent died, assigns queued tasks by the team policy (starting
 * a stopped agent first) and offers assigned ones to their running agents. Every
 * decision is taken on the task's stream and appended with its expected version:
 * a pass running twice, or on a stale read model, decides nothing twice.
 */
@Injectable()
export class TaskDispatcher implements LeaderRole, OnApplicationBootstrap, BeforeApplicationShutdown {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private hints: Subscription | null = null;
  /**
   * Assignments made here lately (agent → task → when): the read model may not show
   * them yet (its reader stops below transactions still in flight), and the policy must
   * count them, or two tasks in a row would both find the same member idle.
   */
  private readonly recent = new Map<string, Map<string, { at: number; attempt: number }>>();

  constructor(
    private readonly repository: TaskRepository,
    private readonly projector: Projector,
    private readonly teams: TeamLocator,
    private readonly writer: TaskWriter,
    private readonly tasks: TaskLocator,
    private readonly offers: TaskOffers,
    private readonly leadership: Leadership,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(CONFIG) private readonly config: OrchestratorConfig,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {
    leadership.join(this);
    offers.onSettled(() => this.schedule());
  }

  onElected(): void {
    this.schedule();
  }

  onLost(): void {
    this.offers.forget();
    this.recent.clear();
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.schedule(), Math.min(this.config.SACP_POLL_INTERVAL_MS, this.config.SACP_TASK_OFFER_RETRY_MS));
    this.hints = this.nc.subscribe(Subjects.appended, {
      callback: (_err, msg) => {
        const text = msg.string();
        if (text.includes('"task-') || text.includes('"agent-')) this.schedule();
      },
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.hints?.unsubscribe();
    await this.running;
  }

  /** Runs a pass soon (passes never overlap; a request during one runs another after it). Only on the leader. */
  schedule(): void {
    if (!this.leadership.holdsLease) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (err) {
          this.log.warn('task dispatch pass failed; will retry', { error: err });
        }
      } while (this.again && this.leadership.holdsLease);
      this.running = null;
    })();
  }

  private async pass(): Promise<void> {
    await this.projector.catchUp();
    const now = new Date();
    for (const taskId of await this.repository.due(now, PASS_LIMIT)) await this.guard(taskId, () => this.expire(taskId, now));
    const agentCache = new Map<string, AgentState>();
    // agents as the registry read model has them (caught up above): a primary-key read each, not a stream
    const agent = async (id: string) => agentCache.get(id) ?? agentCache.set(id, await this.repository.agentState(id)).get(id)!;
    for (const held of await this.repository.held(PASS_LIMIT)) await this.guard(held.taskId, () => this.checkHolder(held, agent));
    for (const taskId of await this.repository.queued(PASS_LIMIT)) await this.guard(taskId, () => this.assign(taskId, agent));
  }

  private async guard(taskId: string, fn: () => Promise<void>): Promise<void> {
    if (!this.leadership.holdsLease) return;
    try {
      await fn();
    } catch (err) {
      this.log.warn('could not dispatch a task; the next pass tries again', { taskId, error: err });
    }
  }

  private async expire(taskId: string, now: Date): Promise<void> {
    const w = await this.writer.write(taskId, () => ({ type: 'expire', now: now.toISOString() }), { actor: SYSTEM_ACTOR, source: SOURCE });
    const ended = w.events.find((e) => e.type === 'task.attempt_failed');
    if (ended && w.before.status === 'running' && w.before.agentId) this.offers.cancel(w.before.agentId, { taskId, attempt: w.before.attempt, reason: 'timed out' });
    if (w.events.length) this.log.info('task timer fired', { taskId, events: w.events.map((e) => e.type) });
  }

  /** A task held by an agent: its agent still alive (else the task goes back), and an assigned one offered. */
  private async checkHolder(held: TaskState, agent: (id: string) => Promise<AgentState>): Promise<void> {
    const agentId = held.agentId!;
    const a = await agent(agentId);
    if (taskHolderDied(held, a)) {
      const w = await this.writer.write(
        held.taskId,
        (s) =>
          s.agentId === agentId && (s.status === 'assigned' || s.status === 'running') && taskHolderDied(s, a)
            ? { type: 'agent_died', agentId, reason: agentDeathReason(a) }
            : null,
        { actor: SYSTEM_ACTOR, source: SOURCE },
      );
      if (w.events.length) this.log.info('task given back: its agent died', { taskId: held.taskId, agentId, reason: agentDeathReason(a) });
      return;
    }
    if (held.status === 'assigned' && a.desired === 'running' && a.observed === 'running') this.offers.offerIfDue(held, a);
  }

  private async assign(taskId: string, agent: (id: string) => Promise<AgentState>): Promise<void> {
    const s = await this.tasks.resolve(taskId);
    if (s.status !== 'queued' || !s.target) return;
    const candidates = await this.candidates(s, agent);
    if (candidates === 'gone') return this.giveUp(s);
    const pick = s.target.kind === 'agent' ? pickTargetAgent(candidates[0]!) : pickAssignee({ role: s.target.role, triedAgentIds: s.attempts.map((x) => x.agentId) }, candidates);
    if (pick.agentId === null) return;
    const now = new Date().toISOString();
    const acceptTimeoutMs = this.config.SACP_TASK_ACCEPT_TIMEOUT_MS;
    const w = await this.writer.write(
      taskId,
      (fresh) =>
        fresh.status === 'queued' ? { type: 'assign', agentId: pick.agentId, agent: pick.agent, policy: pick.policy, startsAgent: pick.startsAgent, now, acceptTimeoutMs } : null,
      { actor: SYSTEM_ACTOR, source: SOURCE },
    );
    const assigned = w.events.find((e) => e.type === 'task.assigned');
    if (!assigned) return;
    const attempt = (assigned.data as { attempt: number }).attempt;
    this.recent.set(pick.agentId, (this.recent.get(pick.agentId) ?? new Map<string, { at: number; attempt: number }>()).set(taskId, { at: Date.now(), attempt }));
    this.log.info('task assigned', { taskId, agentId: pick.agentId, agent: pick.agent, policy: pick.policy });
    const a = await agent(pick.agentId);
    if (pick.startsAgent) await this.offers.startAgent(a, assigned);
    else this.offers.offerIfDue(await this.tasks.resolve(taskId), a);
  }

  /** The agents the task could go to, with their open tasks; 'gone' when its agent or team no longer exists. */
  private async candidates(s: TaskState, agent: (id: string) => Promise<AgentState>): Promise<TaskCandidate[] | 'gone'> {
    const t = s.target!;
    let members: { agentId: string; role: string | null }[];
    if (t.kind === 'agent') members = [{ agentId: t.agentId, role: null }];
    else {
      const team = await this.teams.load(t.team);
      if (!team.exists) return 'gone';
      members = Object.values(team.members).map((m) => ({ agentId: m.agentId, role: m.role }));
    }
    const open = await this.repository.openTasks(members.map((m) => m.agentId));
    await this.forgetProjected(members.map((m) => m.agentId));
    const out: TaskCandidate[] = [];
    for (const m of members) {
      const a = await agent(m.agentId);
      out.push({
        agentId: m.agentId,
        name: a.name || m.agentId,
        role: m.role,
        exists: a.exists,
        desired: a.desired,
        observed: a.observed,
        recoveryAbandoned: a.recoveryAbandoned,
        openTasks: this.openCount(m.agentId, open.get(m.agentId)),
      });
    }
    if (t.kind === 'agent' && (!out[0]!.exists || out[0]!.desired === 'removed')) return 'gone';
    return out;
  }

  /** An agent's open tasks: those the read model shows, and the assignments made here lately that it does not show yet. */
  private openCount(agentId: string, shown: Set<string> = new Set()): number {
    const recent = this.recent.get(agentId);
    return recent ? new Set([...shown, ...recent.keys()]).size : shown.size;
  }

  /** Drops the recent assignments the read model shows now (it has that attempt, or a later one), and the old ones. */
  private async forgetProjected(agentIds: string[]): Promise<void> {
    const entries = agentIds.flatMap((a) => [...(this.recent.get(a) ?? new Map<string, { at: number; attempt: number }>())].map(([taskId, e]) => ({ a, taskId, ...e })));
    if (!entries.length) return;
    const shown = await this.repository.attempts(entries.map((e) => e.taskId));
    const now = Date.now();
    for (const e of entries) {
      if ((shown.get(e.taskId) ?? 0) < e.attempt && now - e.at <= RECENT_ASSIGNMENT_MS) continue;
      const m = this.recent.get(e.a)!;
      m.delete(e.taskId);
      if (!m.size) this.recent.delete(e.a);
    }
  }

  private async giveUp(s: TaskState): Promise<void> {
    const reason = s.target?.kind === 'agent' ? `agent ${s.target.agent} was removed before it could take the task` : `team ${s.target?.team} was deleted`;
    await this.writer.write(s.taskId, () => ({ type: 'give_up', reason }), { actor: SYSTEM_ACTOR, source: SOURCE });
  }
}
