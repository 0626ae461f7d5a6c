import { ErrorCodes, Limits, decodeCursor, encodeCursor, fitPage, type AuditEntryView } from '@sacp/events';
import { DomainError } from '@sacp/domain';
import type { CommandAuditEntity } from '@sacp/event-store';
import type { CommandAuditReader } from './audit.reader';

/** The next page holds entries older than row `b`; `r` of the requested limit remain. */
interface AuditCursor extends Record<string, unknown> {
  b: string;
  r: number;
}

/** One page of the audit trail, newest first, by row id (a keyset: no offset scans). */
export async function readAuditPage(
  audit: CommandAuditReader,
  q: { outcome?: string; actor?: string; commandType?: string; agentRefs?: string[]; from?: string; to?: string; limit: number; cursor?: string; pageSize: number },
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
  const filter = { outcome: q.outcome, actorKind: kind, actorId: id, commandType: q.commandType, agentRefs: q.agentRefs, from: q.from, to: q.to };
  const rows = await audit.page(filter, position?.b ?? null, take + 1);
  const views = rows.map(auditView);
  const n = fitPage(views, take, Limits.PAGE_MAX_BYTES);
  const last = rows[n - 1];
  if (!last || remaining - n <= 0 || rows.length <= n) return { result: views.slice(0, n) };
  return { result: views.slice(0, n), nextCursor: encodeCursor('audit.list', { b: last.id, r: remaining - n }) };
}

/** One audit row as `sacp audit` shows it. */
export const auditView = (r: CommandAuditEntity): AuditEntryView => ({
  at: r.recordedAt.toISOString(),
  commandId: r.commandId,
  commandType: r.commandType,
  actor: r.actor,
  source: r.source,
  reason: r.reason,
  outcome: r.outcome,
  errorCode: r.errorCode,
  message: r.message,
});
