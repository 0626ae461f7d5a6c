import { decideTask, DomainError, type TaskState } from '@sacp/domain';
import { uuidv7, type TaskRepository } from '@sacp/event-store';
import { ErrorCodes, Limits, type Actor, type CancelTaskPayloadV1, type CommandEnvelope, type CreateTaskPayloadV1, type TaskChangeResult, type TaskTarget } from '@sacp/events';
import type { AgentLocator } from '../commands/agent-locator';
import type { UseCaseOutcome } from '../commands/command-pipeline';
import type { TeamLocator } from '../teams/team-locator';
import type { TaskLocator } from './task-locator';

export interface TaskDeps {
  tasks: TaskLocator;
  agents: AgentLocator;
  teams: TeamLocator;
  repository: TaskRepository;
}

const result = (s: Pick<TaskState, 'taskId' | 'status'>, changed: boolean): TaskChangeResult & Record<string, unknown> => ({ taskId: s.taskId, status: s.status, changed });

/** Whom the task is for, checked now: an agent that exists and is not removed, or a team that exists (and has the role asked for). */
export async function resolveTarget(p: Pick<CreateTaskPayloadV1, 'agent' | 'team' | 'role'>, deps: Pick<TaskDeps, 'agents' | 'teams'>): Promise<TaskTarget> {
  if (p.agent !== undefined) {
    const { state } = await deps.agents.resolve(p.agent);
    if (state.desired === 'removed')
      throw new DomainError(ErrorCodes.AGENT_REMOVED, `agent "${state.name}" is being removed; give the task to another agent or to a team`, { agent: state.name });
    return { kind: 'agent', agentId: state.agentId, agent: state.name, team: state.team ?? null };
  }
  const team = await deps.teams.resolve(p.team!);
  const role = p.role ?? null;
  if (role !== null) {
    const roles = new Set([...Object.values(team.members).map((m) => m.role), ...(team.config?.members ?? []).map((m) => m.role)]);
    if (!roles.has(role))
      throw new DomainError(ErrorCodes.TEAM_MEMBERSHIP, `team "${team.name}" has no member with role "${role}" (roles: ${[...roles].filter(Boolean).join(', ') || 'none'})`, {
        team: team.name,
        role,
      });
  }
  return { kind: 'team', team: team.name, role };
}

/** Refuses a task past the open-task bound of its agent or team (queued, assigned or running), so a sender cannot grow the queue without end. */
async function assertRoom(target: TaskTarget, repository: TaskRepository): Promise<void> {
  const open = await repository.countOpen(target.kind === 'agent' ? { agentId: target.agentId } : { team: target.team });
  if (open >= Limits.TASK_OPEN_MAX)
    throw new DomainError(
      ErrorCodes.TASK_QUEUE_FULL,
      `${target.kind === 'agent' ? `agent "${target.agent}"` : `team "${target.team}"`} has ${open} open tasks; the limit is ${Limits.TASK_OPEN_MAX} (TASK_OPEN_MAX): wait for some to finish or cancel some`,
      { open, limit: Limits.TASK_OPEN_MAX },
    );
}

/** task.create: the task, queued for its agent or team; the dispatcher assigns it. */
export async function createTask(cmd: CommandEnvelope<CreateTaskPayloadV1>, deps: TaskDeps, createdBy: Actor = cmd.actor): Promise<UseCaseOutcome> {
  const p = cmd.payload;
  const target = await resolveTarget(p, deps);
  await assertRoom(target, deps.repository);
  const taskId = p.taskId ?? uuidv7();
  const state = await deps.tasks.load(taskId);
  const data = {
    taskId,
    title: p.title,
    instructions: p.instructions,
    inputs: p.inputs,
    priority: p.priority,
    deadline: p.deadline === null ? null : new Date(p.deadline).toISOString(),
    timeoutMs: p.timeoutMs,
    maxAttempts: p.maxAttempts,
    target,
    parentTaskId: p.parentTaskId ?? null,
    createdBy,
  };
  const decision = decideTask({ type: 'create', data }, state);
  return { appends: decision.appends, result: result({ taskId, status: 'queued' }, true), target: `task ${taskId}` };
}

/** task.cancel: the task ends; the agent holding it is told (after the commit, by the caller). */
export async function cancelTask(
  cmd: CommandEnvelope<CancelTaskPayloadV1>,
  deps: Pick<TaskDeps, 'tasks'>,
): Promise<UseCaseOutcome & { held: { agentId: string; attempt: number } | null }> {
  const state = await deps.tasks.resolve(cmd.payload.taskId);
  const decision = decideTask({ type: 'cancel' }, state);
  const held = decision.changed && (state.status === 'assigned' || state.status === 'running') && state.agentId ? { agentId: state.agentId, attempt: state.attempt } : null;
  return {
    appends: decision.appends,
    result: result({ taskId: state.taskId, status: decision.changed ? 'cancelled' : state.status }, decision.changed),
    target: `task ${state.taskId}`,
    held,
  };
}
