import type { EntityManager } from 'typeorm';
import type { AlertAcknowledgedDataV1, AlertRaisedDataV1, AlertResolvedDataV1, StoredEvent } from '@sacp/events';
import { AlertEntity } from '../entities/alert.entity';
import type { Projection } from './projection';

/** The raise a resolve or an acknowledgement at `position` in the key's stream is about: the last one before it. */
const RAISE_BEFORE = 'raise_position = (select max(b.raise_position) from alerts b where b.key = :key and b.raise_position < :position)';

/**
 * Every alert raised, open and past (migration 013), with its resolution and its
 * acknowledgement. Each event changes exactly the row it is about, so applying one
 * twice changes nothing.
 */
export const alertsProjection: Projection = {
  name: 'alerts',
  clear: async (tx) => {
    await tx.createQueryBuilder().delete().from(AlertEntity).execute();
  },
  async applyBatch(tx: EntityManager, events: StoredEvent[]): Promise<void> {
    for (const e of events) {
      if (e.type === 'alert.raised') await raised(tx, e as StoredEvent<string, AlertRaisedDataV1>);
      else if (e.type === 'alert.resolved') {
        const d = e.data as AlertResolvedDataV1;
        await update(tx, d.key, e.streamPosition, { resolvedAt: new Date(e.metadata.occurredAt), resolvedMessage: d.message }, 'resolved_at is null');
      } else if (e.type === 'alert.acknowledged') {
        const d = e.data as AlertAcknowledgedDataV1;
        await update(tx, d.key, e.streamPosition, { acknowledged: { by: e.metadata.actor, at: e.metadata.occurredAt, note: d.note } }, 'acknowledged is null');
      }
    }
  },
};

async function raised(tx: EntityManager, e: StoredEvent<string, AlertRaisedDataV1>): Promise<void> {
  const d = e.data;
  await tx
    .createQueryBuilder()
    .insert()
    .into(AlertEntity)
    .values({
      alertId: e.eventId,
      key: d.key,
      raisePosition: e.streamPosition,
      severity: d.severity,
      agentId: d.agentId,
      agentName: d.agentName,
      cause: d.cause,
      message: d.message,
      lastLogLines: d.lastLogLines ?? [],
      raisedAt: new Date(e.metadata.occurredAt),
    })
    .orIgnore()
    .updateEntity(false)
    .execute();
}

async function update(tx: EntityManager, key: string, position: number, set: Partial<AlertEntity>, unlessDone: string): Promise<void> {
  await tx.createQueryBuilder().update(AlertEntity).set(set).where('key = :key', { key }).andWhere(RAISE_BEFORE, { key, position }).andWhere(unlessDone).execute();
}
