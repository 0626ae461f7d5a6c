import type { Pool } from 'pg';
import { migrate, PgEventStore } from '@sacp/event-store';
import type { EventMetadata } from '@sacp/events';
import { createTestDatabase, testPool } from './postgres';

export interface TestEventStore {
  /** the services' role, as in production: the store under test runs on it */
  pool: Pool;
  store: PgEventStore;
  url: string;
  /** the owner that migrated the database: for fixtures the services may not write */
  ownerPool: Pool;
  ownerUrl: string;
  close: () => Promise<void>;
}

/** A private event store for one test file, migrated by its owner and used as the services' role. */
export async function testEventStore(): Promise<TestEventStore> {
  const db = await createTestDatabase();
  const ownerPool = testPool(db.ownerUrl);
  await migrate(ownerPool);
  const pool = testPool(db.url);
  return {
    pool,
    store: new PgEventStore(pool),
    url: db.url,
    ownerPool,
    ownerUrl: db.ownerUrl,
    close: async () => {
      await pool.end();
      await ownerPool.end();
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
