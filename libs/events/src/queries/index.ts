import { z } from 'zod';

/** Read-only requests on `sacp.qry.<type>`; answered from read models and Docker. */
export const QueryContracts = {
  'agent.status': z.object({ agent: z.string().min(1).max(100).optional() }),
  'agent.history': z.object({ agent: z.string().min(1).max(100), limit: z.number().int().min(1).max(1000).optional() }),
  'agent.logs': z.object({
    agent: z.string().min(1).max(100),
    lines: z.number().int().min(1).max(10000).default(100),
    /** when set, lines keep coming on the returned subject until the client sends "stop" to `<subject>.stop` or stops renewing */
    follow: z.boolean().default(false),
  }),
  'template.list': z.object({}),
  /** the audit trail: every command received, newest first */
  'audit.list': z.object({
    outcome: z.enum(['accepted', 'rejected', 'refused', 'duplicate', 'conflict', 'failed', 'malformed']).optional(),
    /** "<kind>:<id>" (e.g. "discord:1189403234567890123") or a bare id */
    actor: z.string().min(1).max(200).optional(),
    commandType: z.string().min(1).max(100).optional(),
    limit: z.number().int().min(1).max(1000).default(50),
  }),
  /** containers quarantined by this control plane, newest first; removed ones only with `all` */
  'quarantine.list': z.object({ all: z.boolean().default(false), limit: z.number().int().min(1).max(500).default(100) }),
} as const;
export type QueryType = keyof typeof QueryContracts;

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
