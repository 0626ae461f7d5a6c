/** Teams, activity and tasks as /api/v1 answers them (only the fields the dashboard reads). */
import type { Actor } from './types';

export interface Amounts {
  /** bytes */
  memory: number;
  cpus: number;
  pids: number;
}

export interface TeamMember {
  agentId: string;
  agent: string;
  /** the member of the configuration it stands for, or null for one added by hand */
  member: string | null;
  role: string | null;
  template: { name: string; version: number } | null;
  resources: Amounts;
  state: { desired: string; observed: string; health: string } | null;
}

export interface Team {
  name: string;
  description: string;
  config: { members: { name: string; role: string; template: string }[]; egress: boolean };
  configVersion: number;
  quota: Amounts;
  usage: Amounts;
  members: TeamMember[];
  createdAt: string;
  updatedAt: string;
}

export interface ActivityEntry {
  eventId: string;
  position: string;
  at: string;
  type: string;
  summary: string;
  agent: string | null;
  team: string | null;
  actor: Actor;
  source: string;
  reason: string | null;
}

export const TASK_STATUSES = ['queued', 'assigned', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface Task {
  taskId: string;
  title: string;
  instructions: string;
  priority: Priority;
  deadline: string | null;
  team: string | null;
  role: string | null;
  agent: { agentId: string; name: string } | null;
  status: TaskStatus;
  attempt: number;
  maxAttempts: number;
  progress: { percent: number | null; message: string } | null;
  result: Record<string, unknown> | null;
  failureReason: string | null;
  parentTaskId: string | null;
  createdAt: string;
  updatedAt: string;
  createdBy: Actor;
}

export interface NewTask {
  title: string;
  instructions?: string;
  priority?: Priority;
  deadline?: string;
  team?: string;
  agent?: string;
  role?: string;
}
