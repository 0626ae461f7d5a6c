import { z } from 'zod';
import { Limits } from '../limits';
import type { MetricsAgentsReply } from '../metrics';
import type { MONITOR_QUERIES } from '../senders';
import { TeamQueryContracts, type TeamQueryResults } from '../teams/team-views';
import { TaskQueryContracts, type TaskQueryResults } from '../tasks/task-views';
import type { LogQueryResults, LogSearchRequest } from './log-search';
import type { LogFollowView, TemplateDetailView, TemplateDiffView, TemplateListView, TemplateVersionDetailView, TemplateVersionView, VolumeListView } from './query-results';

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

/** An ISO time with its offset, e.g. 2026-11-26T10:00:00Z. */
const isoTime = z.iso.datetime({ offset: true, message: 'expected an ISO time such as 2026-11-26T10:00:00Z' });

const templateName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'template names use a-z, 0-9, "_" and "-"');
const templateVersion = z.number().int().min(1).max(1_000_000);

/** What the control plane last saw of an agent's container. */
export const OBSERVED_STATES = ['none', 'pending', 'created', 'running', 'stopped', 'exited', 'absent', 'removed'] as const;

/** Read-only requests on `sacp.qry.<type>`; answered from read models and Docker. */
export const QueryContracts = {
  /**
   * The agents (one with `agent`), live from the registry, or with `at` as they were
   * at that moment: the registry folded in memory over the events recorded up to
   * then (the reply's `asOf` says up to which event). The filters apply to both.
   */
  'agent.status': z.object({
    agent: z.string().min(1).max(100).optional(),
    at: isoTime.optional(),
    desired: z.enum(['running', 'stopped', 'removed']).optional(),
    observed: z.enum(OBSERVED_STATES).optional(),
    /** a template's name */
    template: z.string().min(1).max(100).optional(),
    health: z.enum(['unknown', 'healthy', 'unhealthy']).optional(),
    /** a part of the agent's name, any case */
    q: z.string().min(1).max(100).optional(),
    /** the agents of one team (its name) */
    team: z.string().min(1).max(100).optional(),
    ...paging,
  }),
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
  /** one template: its current definition, hash and registered version, and which agents run which version */
  'template.get': z.object({ name: templateName }),
  /** every registered version of one template, newest first: version, hash, when and who */
  'template.versions': z.object({ name: templateName }),
  /** one registered version's definition */
  'template.version': z.object({ name: templateName, version: templateVersion }),
  /** what changed between two registered versions, field by field */
  'template.diff': z.object({ name: templateName, from: templateVersion, to: templateVersion }),
  /** the audit trail: every command received, newest first */
  'audit.list': z.object({
    outcome: z.enum(['accepted', 'rejected', 'refused', 'duplicate', 'conflict', 'failed', 'malformed']).optional(),
    /** "<kind>:<id>" (e.g. "discord:1189403234567890123") or a bare id */
    actor: z.string().min(1).max(200).optional(),
    commandType: z.string().min(1).max(100).optional(),
    /** commands about this agent (its name or id): the agent commands that named it */
    agent: z.string().min(1).max(100).optional(),
    /** recorded at or after this time */
    from: isoTime.optional(),
    /** recorded at or before this time */
    to: isoTime.optional(),
    /** how many entries in all, across pages */
    limit: z.number().int().min(1).max(1_000_000).default(50),
    ...paging,
  }),
  /** where the recorded history begins: the first event, for a time slider's start */
  'events.span': z.object({}),
  /** one command by its id: its outcome, every time the id arrived, and the events it appended */
  'command.get': z.object({ commandId: z.string().min(1).max(200) }),
  /** alerts, newest first: the open ones, or with `all` the past ones too; about one agent (name or id) with `agent` */
  'alert.list': z.object({ state: z.enum(['open', 'all']).default('open'), agent: z.string().min(1).max(100).optional(), ...paging }),
  /** containers quarantined by this control plane, newest first; removed ones only with `all` */
  'quarantine.list': z.object({ all: z.boolean().default(false), limit: z.number().int().min(1).max(500).default(100) }),
  /** this control plane's volumes with their agents and sizes, newest first; only orphaned ones with `orphaned` */
  'volume.list': z.object({ orphaned: z.boolean().default(false), limit: z.number().int().min(1).max(1000).default(500) }),
  /** users and their roles, by name; never a password hash */
  'user.list': z.object({}),
  /** API tokens, newest first (revoked ones only with `all`); never a token or its hash */
  'token.list': z.object({ all: z.boolean().default(false) }),
  ...TeamQueryContracts,
  ...TaskQueryContracts,
} as const;
/** Items per page when a request does not say. */
export const DEFAULT_PAGE_SIZE = {
  'agent.status': 200,
  'agent.history': 500,
  'agent.logs': 1000,
  'audit.list': 500,
  'alert.list': 200,
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
  /** the team it belongs to (its name), null when in none */
  team: string | null;
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

/** The result of `command.get`: what became of one command. */
export interface CommandView {
  commandId: string;
  commandType: string | null;
  /** the outcome of its first arrival: accepted, rejected, refused, conflict, failed, malformed */
  outcome: string;
  errorCode: string | null;
  message: string | null;
  actor: { kind: string; id: string; displayName: string } | null;
  at: string;
  /** every arrival of the id, oldest first (a retry is a `duplicate`), at most COMMAND_ENTRIES_MAX */
  entries: AuditEntryView[];
  /** the events it appended (accepted commands), as its reply listed them */
  events: { eventId: string; type: string; streamId: string; streamPosition: number }[];
}
/** One alert, open or past, as `alert.list` shows it. */
export interface AlertView {
  /** the id of its `alert.raised` event */
  alertId: string;
  key: string;
  state: 'open' | 'resolved';
  severity: 'info' | 'warning' | 'critical';
  agentId: string | null;
  agentName: string | null;
  cause: string;
  message: string;
  lastLogLines: string[];
  raisedAt: string;
  resolved: { at: string; message: string } | null;
  acknowledged: { by: { kind: string; id: string; displayName: string }; at: string; note: string | null } | null;
}

/** How many arrivals of one command id `command.get` lists. */
export const COMMAND_ENTRIES_MAX = 50;

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
export * from './log-search';
export * from './query-results';

/** What a sender puts in a query's body (before the orchestrator applies defaults). */
export type QueryRequest<Q extends QueryType> = Q extends OrchestratorQueryType
  ? z.input<(typeof QueryContracts)[Q]>
  : Q extends 'logs.search'
    ? LogSearchRequest
    : Record<string, never>;

/** Where the recorded history begins (null when nothing is recorded yet); it ends now. */
export interface EventsSpanView {
  first: { at: string; globalPosition: string } | null;
}

/** What each query answers in `result`. */
export interface QueryResults extends TeamQueryResults, TaskQueryResults, LogQueryResults {
  'agent.status': AgentStatusView[];
  'agent.history': HistoryEntry[];
  'agent.logs': LogsPage | LogFollowView;
  'template.list': TemplateListView;
  'template.get': TemplateDetailView;
  'template.versions': TemplateVersionView[];
  'template.version': TemplateVersionDetailView;
  'template.diff': TemplateDiffView;
  'audit.list': AuditEntryView[];
  'command.get': CommandView;
  'events.span': EventsSpanView;
  'alert.list': AlertView[];
  'quarantine.list': QuarantineView[];
  'volume.list': VolumeListView;
  'user.list': UserView[];
  'token.list': TokenView[];
  'metrics.agents': MetricsAgentsReply;
}

/** A query's result for this body: `agent.logs` with `follow: true` answers where its lines go, otherwise a page of lines. */
export type QueryResult<Q extends QueryType, B = unknown> = Q extends 'agent.logs' ? (B extends { follow: true } ? LogFollowView : LogsPage) : QueryResults[Q];
