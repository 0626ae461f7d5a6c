import type { WireError } from './error-codes';

/**
 * The reply to every command and query. `accepted` is sent after the Postgres
 * commit; `duplicate` marks the replay of an earlier outcome for the same command id.
 */
export type CommandReply<R = Record<string, unknown>> =
  | { ok: true; commandId: string; duplicate: boolean; result: R; events: { eventId: string; type: string; streamId: string; streamPosition: number }[] }
  | { ok: false; commandId: string | null; duplicate: boolean; error: WireError };

/**
 * A query's reply. A paginated query (status, history, logs, audit) answers one page:
 * `nextCursor` is there when more remains; send it back as `cursor` for the next page.
 */
export type QueryReply<R = unknown> = { ok: true; result: R; nextCursor?: string; asOf?: AsOf } | { ok: false; error: WireError };

/** What a read "as it was" (`agent.status` with `at`) was rebuilt from: the moment asked for, and the global position of the last event folded ('0': none). */
export interface AsOf {
  at: string;
  position: string;
}
