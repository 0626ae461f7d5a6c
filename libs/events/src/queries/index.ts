import { z } from 'zod';
import { Limits } from '../limits';
import type { MetricsAgentsReply } from '../metrics';
import type { MONITOR_QUERIES } from '../senders';
import type { LogFollowView, TemplateListView } from './query-results';

/**
 * Paging, shared by the list queries: `cursor` is the `nextCursor` of the previous
 * reply (an opaque string; send the same other fields again), `pageSize` caps the
 * items of one page. A page also stops at Limits.PAGE_MAX_BYTES. Both are optional:
 * a request without them gets the first page.
 */
const paging = {
  cursor: z.string().min(1).max(2000).optional(),
  pageSize: z.number().int().min(1).max(Limits.PAGE_MAX_ITEMS).optional(),
};

/** Read-only requests on `sacp.qry.<type>`; answered from read models and Docker. */
export const QueryContracts = {
  'agent.status': z.object({ agent: z.string().min(1).max(100).optional(), ...paging }),
  'agent.history': z.object({
    agent: z.string().min(1).max(100),
    /** only the last n events (all of them when absent), in pages */
    limit: z.number().int().min(1).max(1_000_000).optional(),
    ...paging,
  }),
  'agent.logs': z.object({
    agent: z.string().min(1).max(100),
    lines: z.number().int().min(1).max(10000).default(100),
    /** when set, lines keep coming on the returned subject until the client sends "stop" to `<subject>.stop` or stops renewing */
    follow: z.boolean().default(false),
    ...paging,
  }),
  'template.list': z.object({}),
  /** the audit trail: every command received, newest first */
  'audit.list': z.object({
    outcome: z.enum(['accepted', 'rejected', 'refused', 'duplicate', 'conflict', 'failed', 'malformed']).optional(),
    /** "<kind>:<id>" (e.g. "discord:1189403234567890123") or a bare id */
    actor: z.string().min(1).max(200).optional(),
    commandType: z.string().min(1).max(100).optional(),
    /** how many entries in all, across pages */
    limit: z.number().int().min(1).max(1_000_000).default(50),
    ...paging,
  }),
  /** containers quarantined by this control plane, newest first; removed ones only with `all` */
  'quarantine.list': z.object({ all: z.boolean().default(false), limit: z.number().int().min(1).max(500).default(100) }),
  /** users and their roles, by name; never a password hash */
  'user.list': z.object({}),
  /** API tokens, newest first (revoked ones only with `all`); never a token or its hash */
  'token.list': z.object({ all: z.boolean().default(false) }),
} as const;
/** Items per page when a request does not say. */
export const DEFAULT_PAGE_SIZE = {
  'agent.status': 200,
  'agent.history': 500,
  'agent.logs': 1000,
  'audit.list': 500,
} as const;
/** The queries the orchestrator answers (validated against QueryContracts). */
export type OrchestratorQueryType = keyof typeof QueryContracts;
/** The queries the monitor answers. */
export type MonitorQueryType = (typeof MONITOR_QUERIES)[number];
/** Every query on `sacp.qry.<type>`. */
export type QueryType = OrchestratorQueryType | MonitorQueryType;
export const QUERY_TYPES = Object.keys(QueryContracts) as OrchestratorQueryType[];

export interface UserView {
  userId: string;
  name: string;
  role: 'viewer' | 'operator' | 'admin';
  createdAt: string;
}

export interface TokenView {
  tokenId: string;
  name: string;
  role: 'viewer' | 'operator' | 'admin';
  /** the user it acts for, or null */
  user: string | null;
  expiresAt: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface QuarantineView {
  containerId: string;
  containerName: string;
  quarantinedName: string;
  agentId: string | null;
  image: string;
  reason: string;
  quarantinedAt: string;
  removeAfter: string;
  removed: { by: string; at: string } | null;
  /** whether Docker still has it */
  present: boolean;
}

export interface AgentStatusView {
  id: string;
  name: string;
  template: { name: string; version: number } | null;
  state: { desired: 'running' | 'stopped' | 'removed'; observed: string };
  containerId: string | null;
  containerName: string | null;
  generation: number;
  restarts: number;
  /** when its container last started running; null when it is not running */
  runningSince: string | null;
  health: 'unknown' | 'healthy' | 'unhealthy';
  lastExit: { code: number | null; oomKilled: boolean } | null;
  /** a restart the recovery policy scheduled and when it is due */
  restartDueAt: string | null;
  recoveryAbandoned: boolean;
  lastAlert: { key: string; state: 'open' | 'resolved'; severity: string | null; cause: string | null; message: string; at: string } | null;
  lastError: { operation: string; code: string; message: string; at: string } | null;
  /** a Docker operation that keeps failing: attempts so far, the next one (null once it gave up and waits for an operator) */
  failing?: { operation: string; code: string; message: string; failures: number; limit: number | null; since: string; nextAttemptAt: string | null; gaveUp: boolean } | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface HistoryEntry {
  /** the event's id: what other events' `causationId` points at */
  eventId: string;
  position: string;
  streamPosition: number;
  type: string;
  at: string;
  actor: { kind: string; id: string; displayName: string };
  source: string;
  reason: string | null;
  commandId: string | null;
  causationId: string | null;
  data: unknown;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  line: string;
  ts?: string;
}

/** One row of the audit trail (`command_audit`). */
export interface AuditEntryView {
  at: string;
  commandId: string | null;
  commandType: string | null;
  actor: { kind: string; id: string; displayName: string } | null;
  source: string | null;
  reason: string | null;
  outcome: string;
  errorCode: string | null;
  message: string | null;
}

/** The result of agent.logs (not following): the page's lines, oldest first. */
export interface LogsPage {
  agent: string;
  lines: LogLine[];
  /** lines of the requested tail not in this page (they come with `nextCursor`) */
  remainingLines?: number;
  /** lines that were cut to Limits.LOG_LINE_MAX_BYTES in this page */
  cutLines?: number;
  /** how to get the rest, in words, when lines were left out */
  note?: string;
}
export * from './cursor';
export * from './query-results';

/** What a sender puts in a query's body (before the orchestrator applies defaults). */
export type QueryRequest<Q extends QueryType> = Q extends OrchestratorQueryType ? z.input<(typeof QueryContracts)[Q]> : Record<string, never>;

/** What each query answers in `result`. */
export interface QueryResults {
  'agent.status': AgentStatusView[];
  'agent.history': HistoryEntry[];
  'agent.logs': LogsPage | LogFollowView;
  'template.list': TemplateListView;
  'audit.list': AuditEntryView[];
  'quarantine.list': QuarantineView[];
  'user.list': UserView[];
  'token.list': TokenView[];
  'metrics.agents': MetricsAgentsReply;
}

/** A query's result for this body: `agent.logs` with `follow: true` answers where its lines go, otherwise a page of lines. */
export type QueryResult<Q extends QueryType, B = unknown> = Q extends 'agent.logs' ? (B extends { follow: true } ? LogFollowView : LogsPage) : QueryResults[Q];
