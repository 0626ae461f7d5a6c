import type { Pool, PoolClient } from 'pg';
import { migration001 } from './001-event-store';
import { migration002 } from './002-read-models';
import { migration003 } from './003-secrets';
import { migration004 } from './004-append-function';
import { migration005 } from './005-wake-up-over-the-bus';
import { migration006 } from './006-registry-health';
import { migration007 } from './007-service-role-grants';
import { migration009 } from './009-secret-grants';

export const MIGRATIONS = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration009];
const MIGRATION_LOCK = 7_310_001;

/** The NOLOGIN group role every migration grants the services' privileges to. */
export const SERVICE_ROLE = 'sacp_service';

/**
 * Applies the hand-written migrations in order, once, under an advisory lock so
 * replicas can start together. Run it as the role that owns the database (never as
 * the services' role): the tables, triggers and functions it creates belong to that
 * role, and the services get only what the migrations grant to `sacp_service`.
 */
export async function migrate(pool: Pool): Promise<string[]> {
  const client = await pool.connect();
  const onError = () => undefined; // a dropped connection fails the pending query instead of the process
  client.on('error', onError);
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null default now())');
    const done = new Set((await client.query<{ id: string }>('select id from schema_migrations')).rows.map((r) => r.id));
    if (MIGRATIONS.some((m) => !done.has(m.id))) await ensureServiceRole(client);
    for (const m of MIGRATIONS) {
      if (done.has(m.id)) continue;
      await client.query('begin');
      try {
        await client.query(m.sql);
        await client.query('insert into schema_migrations (id) values ($1)', [m.id]);
        await client.query('commit');
        applied.push(m.id);
      } catch (err) {
        await client.query('rollback');
        throw new Error(`migration ${m.id} failed: ${(err as Error).message}`, { cause: err });
      }
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.off('error', onError);
    client.release();
  }
  return applied;
}

/**
 * Grants need the group role to exist. scripts/services.sh creates it; a migrator that
 * may create roles (a superuser on a developer's own Postgres) creates it here. The
 * owner made by services.sh has no CREATEROLE (on Postgres 15 that could grant itself
 * pg_execute_server_program), so it relies on the role being there.
 */
async function ensureServiceRole(client: PoolClient): Promise<void> {
  const { rows } = await client.query<{ exists: boolean; can: boolean }>(
    `select exists (select 1 from pg_roles where rolname = $1) as exists,
            (select rolsuper or rolcreaterole from pg_roles where rolname = current_user) as can`,
    [SERVICE_ROLE],
  );
  if (rows[0]?.exists) return;
  if (!rows[0]?.can)
    throw new Error(
      `role ${SERVICE_ROLE} does not exist and the migrating role may not create it: run bash scripts/services.sh (as root), or as a superuser: create role ${SERVICE_ROLE} nologin`,
    );
  await client.query(`create role ${SERVICE_ROLE} nologin`).catch((err: { code?: string }) => {
    if (err.code !== '42710') throw err; // created meanwhile by a concurrent migrator of another database
  });
}
