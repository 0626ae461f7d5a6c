import type { TaskState } from '@sacp/domain';
import { SYSTEM_ACTOR, type TaskDetailView, type TaskView } from '@sacp/events';

/** A task as the tasks API shows it. */
export function taskView(s: TaskState): TaskView {
  return {
    taskId: s.taskId,
    title: s.title,
    instructions: s.instructions,
    inputs: s.inputs,
    priority: s.priority,
    deadline: s.deadline,
    team: s.target?.team ?? null,
    role: s.target?.kind === 'team' ? s.target.role : null,
    agent: s.agentId ? { agentId: s.agentId, name: s.agent ?? s.agentId } : null,
    status: s.status,
    attempt: s.attempt,
    maxAttempts: s.maxAttempts,
    timeoutMs: s.timeoutMs,
    progress: s.progress,
    result: s.result,
    failureReason: s.failureReason,
    parentTaskId: s.parentTaskId,
    createdAt: s.createdAt ?? '',
    updatedAt: s.updatedAt ?? '',
    createdBy: s.createdBy ?? SYSTEM_ACTOR,
  };
}

export function taskDetailView(s: TaskState): TaskDetailView {
  return {
    ...taskView(s),
    attempts: s.attempts.map((a) => ({
      attempt: a.attempt,
      agent: { agentId: a.agentId, name: a.agent },
      startedAt: a.startedAt,
      endedAt: a.endedAt,
      outcome: a.outcome,
      reason: a.reason,
    })),
  };
}
