/** The shapes of stored agent log lines and their searches (migration 014). */
export type LogStreamName = 'stdout' | 'stderr';

/** One line as the collector stores it. `ts` is Docker's timestamp to the microsecond, `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
export interface AgentLogRow {
  ts: string;
  containerId: string;
  stream: LogStreamName;
  /** its place among its stream's lines of the same microsecond */
  seq: number;
  agentId: string;
  agentName: string;
  team: string | null;
  line: string;
}

/** Where a container's stream was read up to: the key of the last line stored. */
export interface LogCursor {
  ts: string;
  seq: number;
}

/** A page position: the key of the last line of the previous page (newest first). */
export interface LogSearchKey {
  ts: string;
  containerId: string;
  stream: LogStreamName;
  seq: number;
}

export interface LogSearchFilter {
  /** any of these agent ids */
  agentIds?: string[];
  team?: string;
  from?: string;
  to?: string;
  text?: string;
  after?: LogSearchKey;
  limit: number;
  /** a search that takes longer is cancelled by Postgres */
  timeoutMs?: number;
}
