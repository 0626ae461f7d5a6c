import type { Pool } from 'pg';
import { migration001 } from './001-event-store';
import { migration002 } from './002-read-models';
import { migration003 } from './003-secrets';
import { migration004 } from './004-append-function';
import { migration005 } from './005-wake-up-over-the-bus';
import { migration006 } from './006-registry-health';
import { migration010 } from './010-store-identity';

export const MIGRATIONS = [migration001, migration002, migration003, migration004, migration005, migration006, migration010];
const MIGRATION_LOCK = 7_310_001;

/** Applies the hand-written migrations in order, once, under an advisory lock so replicas can start together. */
export async function migrate(pool: Pool): Promise<string[]> {
  const client = await pool.connect();
  const onError = () => undefined; // a dropped connection fails the pending query instead of the process
  client.on('error', onError);
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null default now())');
    const done = new Set((await client.query<{ id: string }>('select id from schema_migrations')).rows.map((r) => r.id));
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
