import { z } from 'zod';
import {
  AgentRefSchema,
  TASK_PAGE_MAX,
  TASK_STATUSES,
  TaskBounds,
  TaskIdSchema,
  TaskInstructionsSchema,
  TaskPrioritySchema,
  TaskRoleSchema,
  TaskTeamSchema,
  TaskTitleSchema,
  taskJsonObject,
} from '@sacp/events';

const reason = z.string().max(500, 'a reason is at most 500 characters').optional();

/** POST /api/v1/tasks: exactly one of agent and team; `timeoutSeconds` is how long one attempt may run once accepted. */
export const CreateTaskBody = z
  .object({
    title: TaskTitleSchema,
    instructions: TaskInstructionsSchema.optional(),
    inputs: taskJsonObject('inputs').optional(),
    priority: TaskPrioritySchema.optional(),
    deadline: z.iso.datetime({ offset: true, message: 'expected an ISO time such as 2026-12-01T10:00:00Z' }).nullable().optional(),
    timeoutSeconds: z
      .number()
      .int()
      .min(TaskBounds.MIN_TIMEOUT_MS / 1000)
      .max(TaskBounds.MAX_TIMEOUT_MS / 1000)
      .optional(),
    maxAttempts: z.number().int().min(1).max(TaskBounds.MAX_ATTEMPTS).optional(),
    agent: AgentRefSchema.optional(),
    team: TaskTeamSchema.optional(),
    role: TaskRoleSchema.optional(),
    reason,
  })
  .strict()
  .refine((b) => (b.agent === undefined) !== (b.team === undefined), { message: 'give exactly one of "agent" and "team"', path: ['agent'] })
  .refine((b) => b.role === undefined || b.team !== undefined, { message: '"role" goes with "team"', path: ['role'] });

export const CancelTaskBody = z.object({ reason }).strict();
export const TaskRef = TaskIdSchema;

export const TaskListQuery = z
  .object({
    team: z.string().min(1).max(100).optional(),
    agent: z.string().min(1).max(100).optional(),
    status: z.enum(TASK_STATUSES).optional(),
    cursor: z.string().min(1).max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(TASK_PAGE_MAX).optional(),
  })
  .strict();
