import type { LockedMigrationExecutor } from './locked-executor';
import { MIGRATIONS_TABLE, type SqlMigration } from './sql-migration';

/** The bookkeeping table of the hand-written runner that migrated stores before TypeORM did. */
export const LEGACY_MIGRATIONS_TABLE = 'schema_migrations';

/**
 * A store the hand-written runner migrated has its `schema_migrations` table and no
 * record in TypeORM's: each migration it applied is recorded as applied in TypeORM's
 * table (matched by the id it recorded), in one transaction, and none is run again.
 * Migrations it had not applied stay pending and run next, as on any store.
 *
 * The old table is left as it was: the record of when those migrations ran, and what a
 * replica of the previous release still reads while a rolling upgrade goes on. Nothing
 * of this release reads it after the takeover. Runs under the migration lock; a later
 * run finds everything recorded and changes nothing.
 */
export async function takeOverLegacyRecord(executor: LockedMigrationExecutor): Promise<string[]> {
  const runner = executor.runner;
  const found = (await runner.query('select to_regclass($1) is not null as legacy', [LEGACY_MIGRATIONS_TABLE])) as { legacy: boolean }[];
  if (!found[0]?.legacy) return [];
  await executor.ensureTable();
  await runner.startTransaction();
  try {
    const done = new Set(((await runner.query(`select id from ${LEGACY_MIGRATIONS_TABLE}`)) as { id: string }[]).map((r) => r.id));
    const recorded = await executor.recordedNames();
    const toRecord = executor.known().filter((m) => !recorded.has(m.name) && done.has((m.instance as SqlMigration).legacyId));
    for (const m of toRecord) await executor.record(m);
    if (toRecord.length)
      // migration 007 granted the services read access to the old table; the new one is where they look now
      await runner.query(`do $$ begin
        if exists (select 1 from pg_roles where rolname = 'sacp_service') then grant select on ${MIGRATIONS_TABLE} to sacp_service; end if;
      end $$`);
    await runner.commitTransaction();
    return toRecord.map((m) => m.name);
  } catch (err) {
    await runner.rollbackTransaction().catch(() => undefined);
    throw new Error(`taking over the migration record of ${LEGACY_MIGRATIONS_TABLE} failed: ${(err as Error).message}`, { cause: err });
  }
}
