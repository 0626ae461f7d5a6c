import { z } from 'zod';
import { ActorSchema } from '../metadata';
import { Limits } from '../limits';
import { TaskInstructionsSchema, TaskPrioritySchema, TaskTargetSchema, TaskTitleSchema, taskJsonObject } from './task-common';

/*
 * A task's events, on the stream `task-<taskId>`. An attempt is one assignment to one
 * agent: assigned → (accepted → progressed* →) succeeded, or ended by a failure, a
 * refusal, a timeout or the agent's death, after which the task is queued again
 * (another attempt) or failed for good. Due times are in the events, so a restarted
 * dispatcher finds every timer where it was.
 */
const taskId = z.string();
const agentId = z.string();
const attempt = z.number().int().positive();
const iso = z.iso.datetime({ offset: true });
const message = z.string().max(Limits.TASK_MESSAGE_MAX_CHARS);
const ex = { taskId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b20', agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10' };

export const TaskCreatedV1 = {
  type: 'task.created',
  version: 1,
  data: z.object({
    taskId,
    title: TaskTitleSchema,
    instructions: TaskInstructionsSchema,
    inputs: taskJsonObject('inputs'),
    priority: TaskPrioritySchema,
    deadline: iso.nullable(),
    timeoutMs: z.number().int().positive(),
    maxAttempts: z.number().int().positive(),
    target: TaskTargetSchema,
    parentTaskId: z.string().nullable(),
    /** who asked for it (a person, a token, or a manager agent for a subtask) */
    createdBy: ActorSchema,
  }),
  example: {
    taskId: ex.taskId,
    title: 'Review PR 42',
    instructions: 'Read the diff and comment',
    inputs: { pr: 42 },
    priority: 'high',
    deadline: null,
    timeoutMs: 600000,
    maxAttempts: 3,
    target: { kind: 'team', team: 'coding', role: 'reviewer' },
    parentTaskId: null,
    createdBy: { kind: 'cli', id: 'ops', displayName: 'ops' },
  },
} as const;
export type TaskCreatedDataV1 = z.infer<typeof TaskCreatedV1.data>;

/** The dispatcher picked an agent for the next attempt; it must accept by `acceptDueAt`. */
export const TaskAssignedV1 = {
  type: 'task.assigned',
  version: 1,
  data: z.object({
    taskId,
    agentId,
    agent: z.string(),
    attempt,
    /** why this agent, in words (the policy's reason), e.g. "idle member (role reviewer)" */
    policy: z.string().max(500),
    acceptDueAt: iso,
    /** the agent was stopped and is started for this task */
    startsAgent: z.boolean(),
  }),
  example: { ...ex, agent: 'coding-reviewer', attempt: 1, policy: 'idle member (role reviewer)', acceptDueAt: '2026-11-30T10:01:00.000Z', startsAgent: false },
} as const;
export type TaskAssignedDataV1 = z.infer<typeof TaskAssignedV1.data>;

/** The agent accepted the offer; the attempt must finish by `runDueAt` (its timeout, or the deadline if sooner). */
export const TaskAcceptedV1 = {
  type: 'task.accepted',
  version: 1,
  data: z.object({
    taskId,
    agentId,
    attempt,
    runDueAt: iso,
    /** the agent's container run that accepted it: if another run (or none) is seen later, the agent died */
    agentRunningSince: z.string().nullable(),
  }),
  example: { ...ex, attempt: 1, runDueAt: '2026-11-30T10:11:00.000Z', agentRunningSince: '2026-11-30T09:00:00.000Z' },
} as const;
export type TaskAcceptedDataV1 = z.infer<typeof TaskAcceptedV1.data>;

export const TaskProgressedV1 = {
  type: 'task.progressed',
  version: 1,
  data: z.object({ taskId, agentId, attempt, percent: z.number().min(0).max(100).nullable(), message, reportId: z.string().max(100) }),
  example: { ...ex, attempt: 1, percent: 40, message: 'read 4 of 10 files', reportId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b30' },
} as const;
export type TaskProgressedDataV1 = z.infer<typeof TaskProgressedV1.data>;

export const TaskSucceededV1 = {
  type: 'task.succeeded',
  version: 1,
  data: z.object({ taskId, agentId, attempt, result: taskJsonObject('the result'), reportId: z.string().max(100) }),
  example: { ...ex, attempt: 1, result: { approved: true }, reportId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b31' },
} as const;
export type TaskSucceededDataV1 = z.infer<typeof TaskSucceededV1.data>;

/** Why an attempt ended without a result. */
export const TASK_ATTEMPT_CAUSES = ['failed', 'refused', 'accept_timeout', 'run_timeout', 'deadline', 'agent_died', 'agent_unavailable'] as const;
export type TaskAttemptCause = (typeof TASK_ATTEMPT_CAUSES)[number];

/** An attempt ended without a result; `next` says whether the task is queued again or fails (task.failed follows). */
export const TaskAttemptFailedV1 = {
  type: 'task.attempt_failed',
  version: 1,
  data: z.object({ taskId, agentId, attempt, cause: z.enum(TASK_ATTEMPT_CAUSES), reason: message, next: z.enum(['retry', 'fail']) }),
  example: { ...ex, attempt: 1, cause: 'run_timeout', reason: 'no result within 600 s (timeout)', next: 'retry' },
} as const;
export type TaskAttemptFailedDataV1 = z.infer<typeof TaskAttemptFailedV1.data>;

/** The agent died holding the task (its container exited, restarted or was removed): the task goes back to its team (or agent) for another attempt. */
export const TaskRequeuedV1 = {
  type: 'task.requeued',
  version: 1,
  data: z.object({ taskId, agentId, attempt, reason: message }),
  example: { ...ex, attempt: 1, reason: 'agent coding-coder exited (code 137) while holding the task' },
} as const;
export type TaskRequeuedDataV1 = z.infer<typeof TaskRequeuedV1.data>;

/** Final: no attempt left, or the deadline passed. */
export const TaskFailedV1 = {
  type: 'task.failed',
  version: 1,
  data: z.object({ taskId, reason: message, attempts: z.number().int().min(0) }),
  example: { taskId: ex.taskId, reason: 'attempt 3 of 3: no result within 600 s (timeout)', attempts: 3 },
} as const;
export type TaskFailedDataV1 = z.infer<typeof TaskFailedV1.data>;

export const TaskCancelledV1 = {
  type: 'task.cancelled',
  version: 1,
  data: z.object({ taskId, agentId: z.string().nullable(), attempt: z.number().int().min(0) }),
  example: { ...ex, attempt: 1 },
} as const;
export type TaskCancelledDataV1 = z.infer<typeof TaskCancelledV1.data>;

export const TaskEventContracts = {
  'task.created': TaskCreatedV1,
  'task.assigned': TaskAssignedV1,
  'task.accepted': TaskAcceptedV1,
  'task.progressed': TaskProgressedV1,
  'task.succeeded': TaskSucceededV1,
  'task.attempt_failed': TaskAttemptFailedV1,
  'task.requeued': TaskRequeuedV1,
  'task.failed': TaskFailedV1,
  'task.cancelled': TaskCancelledV1,
} as const;
