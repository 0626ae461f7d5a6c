import { z } from 'zod';
import type { ResourceAmounts, TeamConfig } from './team-config';

/** One member of a team as `team.get` shows it. */
export interface TeamMemberView {
  agentId: string;
  agent: string;
  member: string | null;
  role: string | null;
  template: { name: string; version: number } | null;
  /** what it counts against the quota */
  resources: ResourceAmounts;
  /** its agent's state, from the agent registry (null when the registry has no row yet) */
  state: { desired: string; observed: string; health: string } | null;
}

/** A team, from the team registry read model. */
export interface TeamView {
  name: string;
  description: string;
  config: TeamConfig;
  hash: string;
  configVersion: number;
  file: string | null;
  /** the quota and what the members use, as numbers (bytes, CPUs, pids) */
  quota: ResourceAmounts;
  usage: ResourceAmounts;
  members: TeamMemberView[];
  createdAt: string;
  updatedAt: string;
}

/** One entry of an activity feed (a team's or an agent's), newest first. */
export interface ActivityEntry {
  eventId: string;
  position: string;
  at: string;
  type: string;
  /** what happened, in words */
  summary: string;
  /** the agent it is about, if any (its name when known) */
  agent: string | null;
  team: string | null;
  /** the task it is about, for task events */
  taskId?: string;
  actor: { kind: string; id: string; displayName: string };
  source: string;
  reason: string | null;
  commandId: string | null;
}

const paging = {
  /** the nextCursor of the previous page */
  cursor: z.string().min(1).max(2000).optional(),
  pageSize: z.number().int().min(1).max(500).optional(),
};

/** The team queries, merged into QueryContracts. */
export const TeamQueryContracts = {
  /** the teams by name, with their members, one page at a time (a page also stops at Limits.PAGE_MAX_BYTES) */
  'team.list': z.object({ ...paging }),
  'team.get': z.object({ team: z.string().min(1).max(100) }),
  /** the team's activity, newest first: its own events, its members' (also past members') and the alerts about them */
  'team.activity': z.object({ team: z.string().min(1).max(100), ...paging }),
  /** one agent's activity, newest first: its events and the alerts about it */
  'agent.activity': z.object({ agent: z.string().min(1).max(100), ...paging }),
} as const;

export const DEFAULT_ACTIVITY_PAGE_SIZE = 50;

/** What the team queries answer in `result` (part of QueryResults). */
export interface TeamQueryResults {
  'team.list': TeamView[];
  'team.get': TeamView;
  'team.activity': ActivityEntry[];
  'agent.activity': ActivityEntry[];
}
