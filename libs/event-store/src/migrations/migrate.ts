import type { DataSource, QueryRunner } from 'typeorm';
import { takeOverLegacyRecord } from './legacy-takeover';
import { LockedMigrationExecutor } from './locked-executor';

/**
 * The advisory lock every migrator takes first, so replicas (and the one-shot step)
 * never migrate at once. It is the key the hand-written runner took: a migrator of the
 * previous release and one of this release exclude each other too.
 */
export const MIGRATION_LOCK = 7_310_001;

/** The NOLOGIN group role every migration grants the services' privileges to. */
export const SERVICE_ROLE = 'sacp_service';

export interface MigrationReport {
  /** migrations run now, by name */
  applied: string[];
  /** migrations the hand-written runner had applied, recorded as applied in TypeORM's table without running them */
  takenOver: string[];
}

/**
 * Applies the pending migrations with TypeORM, in order, each in its own transaction,
 * under the migration lock so replicas can start together. Run it as the role that owns
 * the database (never as the services' role): the tables, triggers and functions it
 * creates belong to that role, and the services get only what the migrations grant to
 * `sacp_service`. A store the hand-written runner migrated is taken over first.
 */
export async function migrate(dataSource: DataSource): Promise<MigrationReport> {
  const runner = dataSource.createQueryRunner('master');
  try {
    await runner.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const executor = new LockedMigrationExecutor(dataSource, runner);
      const takenOver = await takeOverLegacyRecord(executor);
      if ((await executor.getPendingMigrations()).length) await ensureServiceRole(runner);
      const applied = await executor.executePendingMigrations();
      return { applied: applied.map((m) => m.name), takenOver };
    } finally {
      await runner.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}

/**
 * Grants need the group role to exist. scripts/services.sh creates it; a migrator that
 * may create roles (a superuser on a developer's own Postgres) creates it here. The
 * owner made by services.sh has no CREATEROLE (on Postgres 15 that could grant itself
 * pg_execute_server_program), so it relies on the role being there.
 */
async function ensureServiceRole(runner: QueryRunner): Promise<void> {
  const rows = (await runner.query(
    `select exists (select 1 from pg_roles where rolname = $1) as exists,
            (select rolsuper or rolcreaterole from pg_roles where rolname = current_user) as can`,
    [SERVICE_ROLE],
  )) as { exists: boolean; can: boolean }[];
  if (rows[0]?.exists) return;
  if (!rows[0]?.can)
    throw new Error(
      `role ${SERVICE_ROLE} does not exist and the migrating role may not create it: run bash scripts/services.sh (as root), or as a superuser: create role ${SERVICE_ROLE} nologin`,
    );
  await runner.query(`create role ${SERVICE_ROLE} nologin`).catch((err: { code?: string }) => {
    if (err.code !== '42710') throw err; // created meanwhile by a concurrent migrator of another database
  });
}
