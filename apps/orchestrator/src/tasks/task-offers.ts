import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type AgentState, type TaskState } from '@sacp/domain';
import { SYSTEM_ACTOR, type Actor, type CommandEnvelope, type StoredEvent } from '@sacp/events';
import { type JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import { AgentLocator } from '../commands/agent-locator';
import { changeAgent } from '../commands/agent.use-cases';
import { CommandPipeline } from '../commands/command-pipeline';
import type { OrchestratorConfig } from '../config';
import { TeamLocator } from '../teams/team-locator';
import { TASK_AGENT_CHANNEL, type TaskAgentChannel } from './agent-channel.port';
import { TaskWriter } from './task-writer';

export const agentActor = (a: Pick<AgentState, 'agentId' | 'name'>): Actor => ({ kind: 'agent', id: a.agentId, displayName: a.name || a.agentId });

/**
 * Offers assigned tasks to their agents over the agent protocol and records the
 * answers: accepted (the attempt runs), refused (the attempt ends). An offer nobody
 * answered is sent again after SACP_TASK_OFFER_RETRY_MS (offers are idempotent on
 * the agent's side) until the accept timeout ends the attempt. Also starts a
 * stopped agent a task was assigned to, through the agent.start use case, as the
 * system, caused by the assignment.
 */
@Injectable()
export class TaskOffers {
  private readonly sent = new Map<string, { at: number; inFlight: boolean }>();
  private settled: () => void = () => undefined;

  constructor(
    @Inject(TASK_AGENT_CHANNEL) private readonly channel: TaskAgentChannel,
    private readonly writer: TaskWriter,
    private readonly pipeline: CommandPipeline,
    private readonly agents: AgentLocator,
    private readonly teams: TeamLocator,
    @Inject(CONFIG) private readonly config: OrchestratorConfig,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  onSettled(fn: () => void): void {
    this.settled = fn;
  }

  /** Leadership lost: what this replica sent is forgotten (the next leader offers again). */
  forget(): void {
    this.sent.clear();
  }

  offerIfDue(s: TaskState, a: AgentState): void {
    if (s.status !== 'assigned' || s.agentId !== a.agentId) return;
    const key = `${s.taskId}:${s.attempt}`;
    const last = this.sent.get(key);
    if (last && (last.inFlight || Date.now() - last.at < this.config.SACP_TASK_OFFER_RETRY_MS)) return;
    this.sent.set(key, { at: Date.now(), inFlight: true });
    if (this.sent.size > 10_000) for (const k of [...this.sent.keys()].slice(0, 5000)) this.sent.delete(k);
    void this.offer(s, a).finally(() => {
      const entry = this.sent.get(key);
      if (entry) entry.inFlight = false;
    });
  }

  private async offer(s: TaskState, a: AgentState): Promise<void> {
    const attempt = s.attempt;
    const offer = { taskId: s.taskId, attempt, title: s.title, instructions: s.instructions, inputs: s.inputs, priority: s.priority, deadline: s.deadline, timeoutMs: s.timeoutMs };
    let answer;
    try {
      answer = await this.channel.offer(a.agentId, offer);
    } catch (err) {
      this.log.debug('offer not answered; it is sent again', { taskId: s.taskId, attempt, agentId: a.agentId, error: err });
      return;
    }
    const meta = { actor: agentActor(a), source: `agent:${a.name || a.agentId}` };
    try {
      if (answer.accepted) {
        await this.writer.write(
          s.taskId,
          (f) =>
            f.status === 'assigned' && f.attempt === attempt && f.agentId === a.agentId
              ? { type: 'accept', agentId: a.agentId, attempt, now: new Date().toISOString(), agentRunningSince: a.runningSince }
              : null,
          meta,
        );
      } else {
        await this.writer.write(
          s.taskId,
          (f) => (f.status === 'assigned' && f.attempt === attempt ? { type: 'refuse', agentId: a.agentId, attempt, reason: answer.reason } : null),
          meta,
        );
      }
    } catch (err) {
      if (!(err instanceof DomainError)) this.log.warn('could not record the answer to an offer', { taskId: s.taskId, attempt, error: err });
    }
    this.settled();
  }

  /** Tells an agent to drop an attempt (cancelled or timed out); it may not hear it: its later reports are stale anyway. */
  cancel(agentId: string, msg: { taskId: string; attempt: number; reason: string }): void {
    void this.channel.cancel(agentId, msg).catch((err: unknown) => this.log.debug('the agent did not hear the cancel', { agentId, ...msg, error: err }));
  }

  /** Starts a stopped agent for the task assigned to it: agent.start through the command pipeline, as the system, caused by the assignment. */
  async startAgent(a: AgentState, assigned: StoredEvent): Promise<void> {
    const { taskId, attempt } = assigned.data as { taskId: string; attempt: number };
    const envelope: CommandEnvelope = {
      type: 'agent.start',
      version: 1,
      commandId: `task-start:${taskId}:${attempt}`,
      correlationId: taskId,
      causationId: assigned.eventId,
      actor: SYSTEM_ACTOR,
      source: 'orchestrator:tasks',
      reason: `task ${taskId} was assigned to it`,
      payload: { agent: a.agentId },
    };
    try {
      const reply = await this.pipeline.handle('agent.start', envelope, (c) => changeAgent('start', c, { agents: this.agents, teams: this.teams }));
      this.log.info('started a stopped agent for a task', { taskId, agentId: a.agentId, ok: reply.ok });
    } catch (err) {
      this.log.warn('could not start the agent for its task; the accept timeout ends the attempt', { taskId, agentId: a.agentId, error: err });
    }
  }
}
