import { z } from 'zod';
import { AgentRefSchema } from '../commands/command-envelope';
import { TaskBounds, TaskIdSchema, TaskInstructionsSchema, TaskPrioritySchema, TaskRoleSchema, TaskTeamSchema, TaskTitleSchema, taskJsonObject } from './task-common';

/**
 * Creates a task for one agent (`agent`) or for a team (`team`, optionally `role`):
 * for a team the dispatcher picks the member by the team policy (idle first, then
 * fewest open tasks, of the role asked for). `taskId` may be chosen by the sender
 * (a UUID); otherwise the orchestrator makes one. The orchestrator records it queued;
 * the dispatcher on the elected orchestrator assigns and offers it.
 */
export const CreateTaskV1 = {
  type: 'task.create',
  version: 1,
  payload: z
    .object({
      taskId: TaskIdSchema.optional(),
      title: TaskTitleSchema,
      instructions: TaskInstructionsSchema.default(''),
      inputs: taskJsonObject('inputs').default({}),
      priority: TaskPrioritySchema.default('normal'),
      /** when the task must be done by (an ISO time); past it the task fails */
      deadline: z.iso.datetime({ offset: true, message: 'expected an ISO time such as 2026-12-01T10:00:00Z' }).nullable().default(null),
      /** how long one attempt may run once accepted */
      timeoutMs: z.number().int().min(TaskBounds.MIN_TIMEOUT_MS).max(TaskBounds.MAX_TIMEOUT_MS).default(TaskBounds.DEFAULT_TIMEOUT_MS),
      maxAttempts: z.number().int().min(1).max(TaskBounds.MAX_ATTEMPTS).default(TaskBounds.DEFAULT_MAX_ATTEMPTS),
      agent: AgentRefSchema.optional(),
      team: TaskTeamSchema.optional(),
      role: TaskRoleSchema.optional(),
      /** the task this one is a subtask of (set by the orchestrator for a manager's subtasks) */
      parentTaskId: TaskIdSchema.optional(),
    })
    .strict()
    .refine((p) => (p.agent === undefined) !== (p.team === undefined), { message: 'give exactly one of "agent" and "team"' })
    .refine((p) => p.role === undefined || p.team !== undefined, { message: '"role" goes with "team" (a task for one agent has no role to match)' }),
  example: { title: 'Review PR 42', instructions: 'Read the diff and comment', team: 'coding', role: 'reviewer', priority: 'high' },
} as const;
export type CreateTaskPayloadV1 = z.output<typeof CreateTaskV1.payload>;

/** Cancels a task that is not finished; its agent, if it has one, is told. A finished task is left as it is. */
export const CancelTaskV1 = {
  type: 'task.cancel',
  version: 1,
  payload: z.object({ taskId: TaskIdSchema }).strict(),
  example: { taskId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b20' },
} as const;
export type CancelTaskPayloadV1 = z.output<typeof CancelTaskV1.payload>;

export const TaskCommandContracts = {
  'task.create': CreateTaskV1,
  'task.cancel': CancelTaskV1,
} as const;

/** What task.create and task.cancel answer. */
export interface TaskChangeResult {
  taskId: string;
  status: string;
  changed: boolean;
}
