import type { Pool } from 'pg';
import { ErrorCodes, Limits, decodeCursor, encodeCursor, fitPage, type AuditEntryView } from '@sacp/events';
import { DomainError } from '@sacp/domain';

/** The next page holds entries older than row `b`; `r` of the requested limit remain. */
interface AuditCursor extends Record<string, unknown> {
  b: string;
  r: number;
}

interface AuditRow {
  id: string;
  recorded_at: Date;
  command_id: string | null;
  command_type: string | null;
  actor: AuditEntryView['actor'];
  source: string | null;
  reason: string | null;
  outcome: string;
  error_code: string | null;
  message: string | null;
}

/** One page of the audit trail, newest first, by row id (a keyset: no offset scans). */
export async function readAuditPage(
  pool: Pool,
  q: { outcome?: string; actor?: string; commandType?: string; limit: number; cursor?: string; pageSize: number },
): Promise<{ result: AuditEntryView[]; nextCursor?: string }> {
  let position: AuditCursor | null = null;
  if (q.cursor) {
    position = decodeCursor<AuditCursor>('audit.list', q.cursor);
    if (!position || typeof position.b !== 'string' || !/^\d+$/.test(position.b) || !Number.isInteger(position.r) || position.r < 1)
      throw new DomainError(ErrorCodes.QUERY_CURSOR_INVALID, 'this cursor is not one audit.list handed out; start again without a cursor');
  }
  const remaining = position?.r ?? q.limit;
  const take = Math.min(q.pageSize, remaining);
  const [kind, id] = q.actor?.includes(':') ? [q.actor.slice(0, q.actor.indexOf(':')), q.actor.slice(q.actor.indexOf(':') + 1)] : [null, q.actor ?? null];
  const { rows } = await pool.query<AuditRow>(
    `select id::text, recorded_at, command_id, command_type, actor, source, reason, outcome, error_code, message from command_audit
      where ($1::text is null or outcome = $1) and ($2::text is null or actor->>'kind' = $2) and ($3::text is null or actor->>'id' = $3)
        and ($4::text is null or command_type = $4) and ($6::bigint is null or id < $6)
      order by id desc limit $5`,
    [q.outcome ?? null, kind, id, q.commandType ?? null, take + 1, position?.b ?? null],
  );
  const views = rows.map((r): AuditEntryView => ({
    at: r.recorded_at.toISOString(),
    commandId: r.command_id,
    commandType: r.command_type,
    actor: r.actor,
    source: r.source,
    reason: r.reason,
    outcome: r.outcome,
    errorCode: r.error_code,
    message: r.message,
  }));
  const n = fitPage(views, take, Limits.PAGE_MAX_BYTES);
  const last = rows[n - 1];
  if (!last || remaining - n <= 0 || rows.length <= n) return { result: views.slice(0, n) };
  return { result: views.slice(0, n), nextCursor: encodeCursor('audit.list', { b: last.id, r: remaining - n }) };
}
