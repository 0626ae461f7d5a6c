import type { Pool } from 'pg';
import { migrate } from '../../libs/event-store/src/migrations/migrate';
import { PgEventStore } from '../../libs/event-store/src/pg-event-store';
import type { EventMetadata } from '../../libs/events/src/metadata';
import { createTestDatabase, testPool } from './postgres';

/** A migrated, private event store for one test file. */
export async function testEventStore(): Promise<{ pool: Pool; store: PgEventStore; url: string; close: () => Promise<void> }> {
  const db = await createTestDatabase();
  const pool = testPool(db.url);
  await migrate(pool);
  return {
    pool,
    store: new PgEventStore(pool),
    url: db.url,
    close: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

export const metadata = (over: Partial<EventMetadata> = {}): EventMetadata => ({
  commandId: null,
  correlationId: 'corr-1',
  causationId: null,
  actor: { kind: 'cli', id: 'tester', displayName: 'Tester' },
  source: 'test',
  reason: null,
  occurredAt: new Date('2026-11-26T10:00:00Z').toISOString(),
  ...over,
});

export const testEvent = (n: number) => ({ type: 'test.happened', schemaVersion: 1, data: { n } });
