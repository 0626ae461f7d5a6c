import { z } from 'zod';
import { Limits } from '../limits';

/** An ISO time with its offset, e.g. 2026-11-26T10:00:00Z. */
const isoTime = z.iso.datetime({ offset: true, message: 'expected an ISO time such as 2026-11-26T10:00:00Z' });

/**
 * `sacp.qry.logs.search`, answered by the monitor from the stored lines (migration
 * 014), newest first. Lines of removed agents are found as long as retention keeps
 * them. `text` is Postgres full-text search (`websearch_to_tsquery('simple', …)`):
 * words, "quoted phrases", `or`, `-word`; not substrings.
 */
export const LogSearchContract = z
  .object({
    /** an agent's name (every agent that had it, removed ones included) or id */
    agent: z.string().min(1).max(100).optional(),
    team: z.string().min(1).max(100).optional(),
    /** lines at or after this time */
    from: isoTime.optional(),
    /** lines before this time */
    to: isoTime.optional(),
    text: z.string().min(1).max(500).optional(),
    /** lines in this page (default 100) */
    limit: z.number().int().min(1).max(Limits.PAGE_MAX_ITEMS).default(100),
    cursor: z.string().min(1).max(2000).optional(),
  })
  .strict();

export type LogSearchRequest = z.input<typeof LogSearchContract>;
/** A request as validated (defaults applied). */
export type LogSearchQuery = z.output<typeof LogSearchContract>;

/** One stored line of an agent's container output. */
export interface StoredLogLine {
  /** Docker's timestamp of the line, to the microsecond */
  at: string;
  agentId: string;
  agentName: string;
  team: string | null;
  containerId: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

/** What the collector publishes on `sacp.agentlogs.<agentId>` as it stores each line (NATS core, live tail). */
export type LiveLogLine = StoredLogLine;

/** What the monitor's log search answers in `result` (part of QueryResults). */
export interface LogQueryResults {
  'logs.search': StoredLogLine[];
}
