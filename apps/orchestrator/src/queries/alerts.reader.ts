import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DomainError } from '@sacp/domain';
import { AlertEntity } from '@sacp/event-store';
import { ErrorCodes, Limits, decodeCursor, encodeCursor, fitPage, type AlertView } from '@sacp/events';

/** Where an alert page ends: the last alert's raise time (as Postgres prints it) and id. */
type AlertKey = { t: string; id: string };

const view = (r: AlertEntity): AlertView => ({
  alertId: r.alertId,
  key: r.key,
  state: r.resolvedAt ? 'resolved' : 'open',
  severity: r.severity as AlertView['severity'],
  agentId: r.agentId,
  agentName: r.agentName,
  cause: r.cause,
  message: r.message,
  lastLogLines: r.lastLogLines,
  raisedAt: r.raisedAt.toISOString(),
  resolved: r.resolvedAt ? { at: r.resolvedAt.toISOString(), message: r.resolvedMessage ?? '' } : null,
  acknowledged: r.acknowledged,
});

/** Reads the alerts projection (migration 013): what `alert.list` shows. */
@Injectable()
export class AlertsReader {
  constructor(@InjectRepository(AlertEntity) private readonly rows: Repository<AlertEntity>) {}

  /** One page, newest first (a keyset on raise time and id). `agentRefs`: the agent's id and names. */
  async page(q: { state: 'open' | 'all'; agentRefs?: string[]; cursor?: string; pageSize: number }): Promise<{ result: AlertView[]; nextCursor?: string }> {
    let after: AlertKey | null = null;
    if (q.cursor) {
      after = decodeCursor<AlertKey & Record<string, unknown>>('alert.list', q.cursor);
      if (!after || typeof after.t !== 'string' || typeof after.id !== 'string')
        throw new DomainError(ErrorCodes.QUERY_CURSOR_INVALID, 'this cursor is not one alert.list handed out; start again without a cursor');
    }
    const b = this.rows
      .createQueryBuilder('a')
      .addSelect('a.raised_at::text', 'key_t')
      .orderBy('a.raisedAt', 'DESC')
      .addOrderBy('a.alertId', 'DESC')
      .limit(q.pageSize + 1);
    if (q.state === 'open') b.andWhere('a.resolvedAt is null');
    if (q.agentRefs?.length) b.andWhere('(a.agentId = any(:refs) or a.agentName = any(:refs))', { refs: q.agentRefs });
    if (after) b.andWhere('(a.raisedAt, a.alertId) < (CAST(:t AS timestamptz), CAST(:id AS text))', after);
    const { entities, raw } = await b.getRawAndEntities<{ key_t: string }>();
    const views = entities.map(view);
    const n = fitPage(views, q.pageSize, Limits.PAGE_MAX_BYTES);
    const last = entities[n - 1];
    if (!last || entities.length <= n) return { result: views.slice(0, n) };
    return { result: views.slice(0, n), nextCursor: encodeCursor('alert.list', { t: raw[n - 1]!.key_t, id: last.alertId }) };
  }

  /** The key of an alert by its id, or null. */
  async keyOf(alertId: string): Promise<string | null> {
    const row = await this.rows.findOne({ select: { key: true }, where: { alertId } });
    return row?.key ?? null;
  }
}
