import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Fail, Progress, SubtaskCreate, Succeed } from '@sacp/agent-protocol';
import { DomainError, isTaskHeld, type AgentState, type TaskCommand } from '@sacp/domain';
import { TaskRepository } from '@sacp/event-store';
import { ErrorCodes, type CommandEnvelope, type CreateTaskPayloadV1 } from '@sacp/events';
import { type JsonLogger } from '@sacp/platform';
import { LOGGER } from '@sacp/platform/nest';
import { AgentLocator } from '../commands/agent-locator';
import { CommandPipeline } from '../commands/command-pipeline';
import { wireError } from '../bus/wire-errors';
import { TeamLocator } from '../teams/team-locator';
import { TASK_AGENT_CHANNEL, type ReportAnswer, type ReportKindName, type TaskAgentChannel } from './agent-channel.port';
import { TaskDispatcher } from './task-dispatcher';
import { TaskLocator } from './task-locator';
import { agentActor } from './task-offers';
import { TaskWriter } from './task-writer';
import { createTask } from './task.use-cases';

type TaskReport = { kind: 'task.progress'; body: Progress } | { kind: 'task.succeed'; body: Succeed } | { kind: 'task.fail'; body: Fail };

const refusal = (code: string, message: string): ReportAnswer => ({ ok: false, error: { code, message } });

/**
 * The agents' reports (any replica: the channel's queue group hands each to one):
 * progress, a result or a failure, recorded only from the agent holding the task
 * for the attempt named (else TASK.STALE_ATTEMPT, and the agent drops that work);
 * a manager's subtasks, only for members of its own team (else TASK.NOT_SAME_TEAM).
 * A report sent again (same reportId; the client retries until answered) is
 * answered as the first, without a second event.
 */
@Injectable()
export class TaskReports implements OnApplicationBootstrap {
  constructor(
    @Inject(TASK_AGENT_CHANNEL) private readonly channel: TaskAgentChannel,
    private readonly writer: TaskWriter,
    private readonly tasks: TaskLocator,
    private readonly agents: AgentLocator,
    private readonly teams: TeamLocator,
    private readonly repository: TaskRepository,
    private readonly pipeline: CommandPipeline,
    private readonly dispatcher: TaskDispatcher,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.channel.onReport((agentId, kind, body) => this.handle(agentId, kind, body));
  }

  async handle(agentId: string, kind: ReportKindName, body: unknown): Promise<ReportAnswer> {
    try {
      const { state: agent } = await this.agents.load(agentId);
      if (!agent.exists) return refusal(ErrorCodes.AGENT_NOT_FOUND, `no agent ${agentId}`);
      switch (kind) {
        case 'hello':
          this.dispatcher.schedule();
          return { ok: true };
        case 'task.progress':
        case 'task.succeed':
        case 'task.fail':
          return await this.taskReport(agent, { kind, body } as TaskReport);
        case 'subtask.create':
          return await this.subtask(agent, body as SubtaskCreate);
        default:
          return refusal('PROTOCOL.INVALID', `unknown report kind ${String(kind)}`);
      }
    } catch (err) {
      const wire = wireError(err);
      if (wire.code === ErrorCodes.INTERNAL) this.log.error('could not handle an agent report', { agentId, kind, error: err });
      return refusal(wire.code, wire.message);
    }
  }

  private async taskReport(agent: AgentState, r: TaskReport): Promise<ReportAnswer> {
    const meta = { actor: agentActor(agent), source: `agent:${agent.name}` };
    const base = { agentId: agent.agentId, attempt: r.body.attempt, reportId: r.body.reportId };
    const now = new Date().toISOString();
    const command: TaskCommand =
      r.kind === 'task.progress'
        ? { type: 'progress', ...base, percent: r.body.percent ?? null, message: r.body.message, now }
        : r.kind === 'task.succeed'
          ? { type: 'succeed', ...base, result: r.body.result, now }
          : { type: 'fail', ...base, reason: r.body.reason };
    const w = await this.writer.write(r.body.taskId, () => command, meta);
    if (r.kind !== 'task.progress' && w.events.length) this.dispatcher.schedule();
    return { ok: true };
  }

  /** A manager's subtask: for a member of its own team (by name), a role of it, or the whole team; recorded as a task.create by the agent. */
  private async subtask(manager: AgentState, r: SubtaskCreate): Promise<ReportAnswer> {
    const parent = await this.tasks.resolve(r.parentTaskId);
    if (parent.agentId !== manager.agentId || !isTaskHeld(parent))
      throw new DomainError(ErrorCodes.TASK_STALE_ATTEMPT, `task ${r.parentTaskId} is not held by ${manager.name} now; subtasks are created for the task it works on`);
    if (!manager.team) throw new DomainError(ErrorCodes.TASK_NOT_SAME_TEAM, `${manager.name} is in no team: it can give subtasks only to members of its own team`);
    const team = await this.teams.resolve(manager.team);
    let target: Pick<CreateTaskPayloadV1, 'agent' | 'team' | 'role'>;
    if (r.member !== null) {
      const member = Object.values(team.members).find((m) => m.agent === r.member || m.member === r.member);
      if (!member)
        throw new DomainError(ErrorCodes.TASK_NOT_SAME_TEAM, `"${r.member}" is not a member of team ${team.name} (the team of ${manager.name}); subtasks go only to its own team`, {
          team: team.name,
          member: r.member,
        });
      target = { agent: member.agentId };
    } else target = { team: team.name, ...(r.role !== null ? { role: r.role } : {}) };
    const envelope: CommandEnvelope = {
      type: 'task.create',
      version: 1,
      commandId: `subtask:${r.reportId}`,
      correlationId: r.parentTaskId,
      actor: agentActor(manager),
      source: `agent:${manager.name}`,
      payload: { title: r.title, instructions: r.instructions, inputs: r.inputs, priority: r.priority, parentTaskId: r.parentTaskId, ...target },
    };
    const deps = { tasks: this.tasks, agents: this.agents, teams: this.teams, repository: this.repository };
    const reply = await this.pipeline.handle('task.create', envelope, (c) => createTask(c, deps));
    if (!reply.ok) return refusal(reply.error.code, reply.error.message);
    return { ok: true, taskId: (reply.result as { taskId: string }).taskId };
  }
}
