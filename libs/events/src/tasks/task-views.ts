import { z } from 'zod';
import type { Actor } from '../metadata';
import { TASK_STATUSES, TaskIdSchema, type TaskPriority, type TaskStatus } from './task-common';

/** A task as task.list and task.get show it (the tasks API's TaskView). */
export interface TaskView {
  taskId: string;
  title: string;
  instructions: string;
  inputs: Record<string, unknown>;
  priority: TaskPriority;
  deadline: string | null;
  team: string | null;
  role: string | null;
  /** the agent of the current (or last) attempt; for a task for one agent, that agent */
  agent: { agentId: string; name: string } | null;
  status: TaskStatus;
  attempt: number;
  maxAttempts: number;
  timeoutMs: number;
  progress: { percent: number | null; message: string } | null;
  result: Record<string, unknown> | null;
  failureReason: string | null;
  parentTaskId: string | null;
  createdAt: string;
  updatedAt: string;
  createdBy: Actor;
}

/** One attempt of a task, in task.get. */
export interface TaskAttemptView {
  attempt: number;
  agent: { agentId: string; name: string };
  startedAt: string;
  endedAt: string | null;
  /** null while it runs */
  outcome: 'succeeded' | 'failed' | 'refused' | 'timed_out' | 'agent_died' | 'cancelled' | null;
  reason: string | null;
}

export type TaskDetailView = TaskView & { attempts: TaskAttemptView[] };

export const TASK_PAGE_MAX = 200;

/** The task queries, merged into QueryContracts. */
export const TaskQueryContracts = {
  /** tasks, newest first, filtered by team, agent (name or id) and status; a page also stops at Limits.PAGE_MAX_BYTES */
  'task.list': z.object({
    team: z.string().min(1).max(100).optional(),
    agent: z.string().min(1).max(100).optional(),
    status: z.enum(TASK_STATUSES).optional(),
    cursor: z.string().min(1).max(2000).optional(),
    pageSize: z.number().int().min(1).max(TASK_PAGE_MAX).optional(),
  }),
  'task.get': z.object({ taskId: TaskIdSchema }),
} as const;

/** What the task queries answer in `result` (part of QueryResults). */
export interface TaskQueryResults {
  'task.list': TaskView[];
  'task.get': TaskDetailView;
}
