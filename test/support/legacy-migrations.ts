import type { Pool } from 'pg';
import { LEGACY_MIGRATIONS_TABLE, MIGRATIONS_TABLE, type SqlMigration } from '@sacp/event-store';

/**
 * What the hand-written runner before TypeORM did to a store: each migration's SQL in
 * order, each in a transaction of its own, recorded by its id in `schema_migrations`.
 * Its migration 007 granted the services read access to that table, where the same
 * line now names TypeORM's.
 */
export async function migrateAsTheLegacyRunner(ownerPool: Pool, migrations: SqlMigration[]): Promise<void> {
  await ownerPool.query(`create table if not exists ${LEGACY_MIGRATIONS_TABLE} (id text primary key, applied_at timestamptz not null default now())`);
  for (const m of migrations) {
    const client = await ownerPool.connect();
    try {
      await client.query('begin');
      await client.query(m.sql.replaceAll(MIGRATIONS_TABLE, LEGACY_MIGRATIONS_TABLE));
      await client.query(`insert into ${LEGACY_MIGRATIONS_TABLE} (id) values ($1)`, [m.legacyId]);
      await client.query('commit');
    } catch (err) {
      await client.query('rollback');
      throw err;
    } finally {
      client.release();
    }
  }
}
