import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, PgEventStore } from '@sacp/event-store';
import { migrateWith } from '@sacp/event-store/nest';
import type { EventMetadata } from '@sacp/events';
import { createTestDatabase, testPool } from './postgres';

export interface TestEventStore {
  /** the services' role, as in production: the store under test runs on this DataSource */
  dataSource: DataSource;
  /** the services' role too, a plain pg pool: the test's own reads, and fixtures */
  pool: Pool;
  store: PgEventStore;
  url: string;
  /** the owner that migrated the database: for fixtures the services may not write */
  ownerPool: Pool;
  ownerUrl: string;
  /** the test admin: may end the services' connections */
  adminUrl: string;
  close: () => Promise<void>;
}

/** A private event store for one test file, migrated by its owner and used as the services' role. */
export async function testEventStore(): Promise<TestEventStore> {
  const db = await createTestDatabase();
  await migrateWith(db.ownerUrl);
  const ownerPool = testPool(db.ownerUrl);
  const dataSource = await testDataSource(db.url);
  const pool = testPool(db.url);
  return {
    dataSource,
    pool,
    store: new PgEventStore(dataSource),
    url: db.url,
    ownerPool,
    ownerUrl: db.ownerUrl,
    adminUrl: db.adminUrl,
    close: async () => {
      await dataSource.destroy();
      await pool.end();
      await ownerPool.end();
      await db.drop();
    },
  };
}

/** A DataSource as a service opens one (no schema check), with room for a test's concurrent writers. */
export function testDataSource(url: string): Promise<DataSource> {
  return createDataSource({ url, poolSize: 20 }).initialize();
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
