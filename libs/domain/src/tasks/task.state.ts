import type { Actor, TaskPriority, TaskStatus, TaskTarget } from '@sacp/events';
import type { EvolvableEvent } from '../agent/agent.evolve';

export const taskStreamId = (taskId: string) => `task-${taskId}`;
export const TASK_STREAM = /^task-([0-9a-f-]{36})$/;

/** How an attempt ended. */
export type TaskAttemptOutcome = 'succeeded' | 'failed' | 'refused' | 'timed_out' | 'agent_died' | 'cancelled';

export interface TaskAttempt {
  attempt: number;
  agentId: string;
  agent: string;
  startedAt: string;
  acceptedAt: string | null;
  endedAt: string | null;
  outcome: TaskAttemptOutcome | null;
  reason: string | null;
}

/** Report ids remembered per task (a report sent again is answered without a second event). */
export const TASK_REPORT_IDS_KEPT = 50;

/** A task, folded from its stream `task-<taskId>`. */
export interface TaskState {
  exists: boolean;
  taskId: string;
  title: string;
  instructions: string;
  inputs: Record<string, unknown>;
  priority: TaskPriority;
  deadline: string | null;
  timeoutMs: number;
  maxAttempts: number;
  target: TaskTarget | null;
  parentTaskId: string | null;
  createdBy: Actor | null;
  status: TaskStatus;
  /** attempts started so far (the current one's number while assigned or running) */
  attempt: number;
  /** the agent of the current attempt (or the last one) */
  agentId: string | null;
  agent: string | null;
  /** while assigned: when the offer must have been accepted */
  acceptDueAt: string | null;
  /** while running: when the attempt must have finished */
  runDueAt: string | null;
  /** the agent's container run that accepted the current attempt */
  agentRunningSince: string | null;
  progress: { percent: number | null; message: string } | null;
  result: Record<string, unknown> | null;
  failureReason: string | null;
  attempts: TaskAttempt[];
  reportIds: string[];
  createdAt: string | null;
  updatedAt: string | null;
  version: number;
}

export const initialTaskState = (taskId = ''): TaskState => ({
  exists: false,
  taskId,
  title: '',
  instructions: '',
  inputs: {},
  priority: 'normal',
  deadline: null,
  timeoutMs: 0,
  maxAttempts: 0,
  target: null,
  parentTaskId: null,
  createdBy: null,
  status: 'queued',
  attempt: 0,
  agentId: null,
  agent: null,
  acceptDueAt: null,
  runDueAt: null,
  agentRunningSince: null,
  progress: null,
  result: null,
  failureReason: null,
  attempts: [],
  reportIds: [],
  createdAt: null,
  updatedAt: null,
  version: 0,
});

/** The team a task belongs to (its target team, or its agent's team when it was created). */
export const taskTeam = (s: Pick<TaskState, 'target'>): string | null => s.target?.team ?? null;
export const taskRole = (s: Pick<TaskState, 'target'>): string | null => (s.target?.kind === 'team' ? s.target.role : null);
export const isTaskFinal = (s: Pick<TaskState, 'status'>): boolean => s.status === 'succeeded' || s.status === 'failed' || s.status === 'cancelled';
/** Assigned or running: the agent holds it. */
export const isTaskHeld = (s: Pick<TaskState, 'status'>): boolean => s.status === 'assigned' || s.status === 'running';

/** When the dispatcher must look at the task again by itself (a timeout or the deadline), or null. */
export function taskDueAt(s: TaskState): string | null {
  if (s.status === 'assigned') return s.acceptDueAt;
  if (s.status === 'running') return s.runDueAt;
  if (s.status === 'queued') return s.deadline;
  return null;
}

const endAttempt = (s: TaskState, at: string, outcome: TaskAttemptOutcome, reason: string | null): TaskAttempt[] =>
  s.attempts.map((a) => (a.attempt === s.attempt && a.endedAt === null ? { ...a, endedAt: at, outcome, reason } : a));

const remember = (ids: string[], id: string): string[] => [...ids, id].slice(-TASK_REPORT_IDS_KEPT);

const OUTCOME_OF_CAUSE: Record<string, TaskAttemptOutcome> = {
  failed: 'failed',
  refused: 'refused',
  accept_timeout: 'timed_out',
  run_timeout: 'timed_out',
  deadline: 'timed_out',
  agent_died: 'agent_died',
  agent_unavailable: 'agent_died',
};

/** Folds one event of a task's stream. Other types pass through. */
export function evolveTask(state: TaskState, event: EvolvableEvent): TaskState {
  const at = event.metadata.occurredAt;
  const s: TaskState = { ...state, version: state.version + 1, updatedAt: at };
  const cleared = { acceptDueAt: null, runDueAt: null, agentRunningSince: null };
  switch (event.type) {
    case 'task.created': {
      const d = event.data;
      return {
        ...s,
        exists: true,
        taskId: d.taskId,
        title: d.title,
        instructions: d.instructions,
        inputs: d.inputs,
        priority: d.priority,
        deadline: d.deadline,
        timeoutMs: d.timeoutMs,
        maxAttempts: d.maxAttempts,
        target: d.target,
        parentTaskId: d.parentTaskId,
        createdBy: d.createdBy,
        status: 'queued',
        agentId: d.target.kind === 'agent' ? d.target.agentId : null,
        agent: d.target.kind === 'agent' ? d.target.agent : null,
        createdAt: at,
      };
    }
    case 'task.assigned': {
      const d = event.data;
      const attempt: TaskAttempt = { attempt: d.attempt, agentId: d.agentId, agent: d.agent, startedAt: at, acceptedAt: null, endedAt: null, outcome: null, reason: null };
      return {
        ...s,
        ...cleared,
        status: 'assigned',
        attempt: d.attempt,
        agentId: d.agentId,
        agent: d.agent,
        acceptDueAt: d.acceptDueAt,
        progress: null,
        attempts: [...s.attempts, attempt],
      };
    }
    case 'task.accepted': {
      const d = event.data;
      return {
        ...s,
        ...cleared,
        status: 'running',
        runDueAt: d.runDueAt,
        agentRunningSince: d.agentRunningSince,
        attempts: s.attempts.map((a) => (a.attempt === d.attempt ? { ...a, acceptedAt: at } : a)),
      };
    }
    case 'task.progressed':
      return { ...s, progress: { percent: event.data.percent, message: event.data.message }, reportIds: remember(s.reportIds, event.data.reportId) };
    case 'task.succeeded':
      return {
        ...s,
        ...cleared,
        status: 'succeeded',
        result: event.data.result,
        reportIds: remember(s.reportIds, event.data.reportId),
        attempts: endAttempt(s, at, 'succeeded', null),
      };
    case 'task.attempt_failed': {
      const d = event.data;
      return { ...s, ...cleared, status: 'queued', attempts: endAttempt(s, at, OUTCOME_OF_CAUSE[d.cause] ?? 'failed', d.reason) };
    }
    case 'task.requeued':
      return { ...s, ...cleared, status: 'queued', attempts: endAttempt(s, at, 'agent_died', event.data.reason) };
    case 'task.failed':
      return { ...s, ...cleared, status: 'failed', failureReason: event.data.reason };
    case 'task.cancelled':
      return { ...s, ...cleared, status: 'cancelled', attempts: endAttempt(s, at, 'cancelled', 'cancelled') };
    default:
      return s;
  }
}
