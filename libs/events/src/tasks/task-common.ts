import { z } from 'zod';
import { jsonBytes, Limits } from '../limits';
import { TeamMemberSpecSchema, TEAM_NAME_PATTERN } from '../teams/team-config';

/** How urgent a task is: higher ones are assigned first. */
export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TaskPrioritySchema = z.enum(TASK_PRIORITIES);
export type TaskPriority = z.infer<typeof TaskPrioritySchema>;

export const TASK_STATUSES = ['queued', 'assigned', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_FINAL_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled'];

export const TaskIdSchema = z.uuid({ message: 'a task id is a UUID' });
export const TaskTitleSchema = z.string().trim().min(1, 'a task needs a title').max(Limits.TASK_TITLE_MAX_CHARS, `a title has at most ${Limits.TASK_TITLE_MAX_CHARS} characters`);
export const TaskInstructionsSchema = z.string().max(Limits.TASK_INSTRUCTIONS_MAX_CHARS, `instructions have at most ${Limits.TASK_INSTRUCTIONS_MAX_CHARS} characters`);

/** A JSON object of at most Limits.TASK_JSON_MAX_BYTES (a task's inputs, its result). */
export const taskJsonObject = (what: string) =>
  z.record(z.string(), z.unknown()).refine((v) => jsonBytes(v) <= Limits.TASK_JSON_MAX_BYTES, {
    message: `${what} is over ${Limits.TASK_JSON_MAX_BYTES} bytes as JSON (TASK_JSON_MAX_BYTES)`,
  });

export const TaskRoleSchema = TeamMemberSpecSchema.shape.role;
export const TaskTeamSchema = z.string().regex(TEAM_NAME_PATTERN, 'not a team name');

/** Whom a task is for: one agent, or a team (optionally only its members of one role). */
export const TaskTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('agent'), agentId: z.string(), agent: z.string(), team: z.string().nullable() }),
  z.object({ kind: z.literal('team'), team: z.string(), role: z.string().nullable() }),
]);
export type TaskTarget = z.infer<typeof TaskTargetSchema>;

/** Bounds of a task's timing. */
export const TaskBounds = {
  /** how long one attempt may run once accepted, by default */
  DEFAULT_TIMEOUT_MS: 10 * 60_000,
  MIN_TIMEOUT_MS: 1000,
  MAX_TIMEOUT_MS: 7 * 24 * 3600_000,
  DEFAULT_MAX_ATTEMPTS: 3,
  MAX_ATTEMPTS: 10,
} as const;
