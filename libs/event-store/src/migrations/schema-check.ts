import type { DataSource } from 'typeorm';
import { LEGACY_MIGRATIONS_TABLE } from './legacy-takeover';
import { MIGRATION_NAMES, MIGRATIONS_TABLE } from './migrations';

/** What an operator runs to migrate, named in every "not migrated" error. */
export const HOW_TO_MIGRATE =
  'run `node dist/apps/orchestrator/migrate.js` with DATABASE_MIGRATION_URL set to the URL of the role that owns the database ' +
  '(scripts/up.sh does this), or start the orchestrator once with DATABASE_MIGRATION_URL set';

/** The database the services connect to lacks migrations this code needs. */
export class SchemaNotMigratedError extends Error {
  override readonly name = 'SchemaNotMigratedError';
  readonly code = 'STORE.NOT_MIGRATED';
  constructor(
    readonly missing: string[],
    detail?: string,
  ) {
    super(`the event store's schema is not migrated (${detail ?? `missing ${missing.join(', ')}`}): ${HOW_TO_MIGRATE}`);
  }
}

export interface SchemaCheck {
  /** the connecting role can do more than the services need: the database's own rules do not bind it */
  warnings: string[];
}

/**
 * Refuses to run on a schema older than this code (the services do not migrate: their
 * role may not), and reports a connecting role that is a superuser or owns the events
 * table, for which the append-only rules are advice, not law.
 */
export async function checkSchema(dataSource: DataSource): Promise<SchemaCheck> {
  let done: Set<string>;
  try {
    done = new Set((await dataSource.query<{ name: string }[]>(`select name from ${MIGRATIONS_TABLE}`)).map((r) => r.name));
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === '42P01') {
      const legacy = (await dataSource.query<{ legacy: boolean }[]>('select to_regclass($1) is not null as legacy', [LEGACY_MIGRATIONS_TABLE]))[0]?.legacy;
      throw new SchemaNotMigratedError(
        MIGRATION_NAMES,
        legacy
          ? `no ${MIGRATIONS_TABLE} table: the store was migrated by the runner before TypeORM, and the migration step records what it applied without running it again`
          : `no ${MIGRATIONS_TABLE} table`,
      );
    }
    if (e.code === '42501') throw new SchemaNotMigratedError(MIGRATION_NAMES, `${MIGRATIONS_TABLE} is not readable by this role: ${e.message}`);
    throw err;
  }
  const missing = MIGRATION_NAMES.filter((name) => !done.has(name));
  if (missing.length) throw new SchemaNotMigratedError(missing);

  const rows: { role: string; superuser: boolean; owner: boolean }[] = await dataSource.query(
    `select current_user as role, r.rolsuper as superuser, pg_has_role(current_user, t.tableowner, 'USAGE') as owner
       from pg_roles r, pg_tables t
      where r.rolname = current_user and t.schemaname = current_schema() and t.tablename = 'events'`,
  );
  const warnings: string[] = [];
  const me = rows[0];
  if (me?.superuser)
    warnings.push(`DATABASE_URL connects as ${me.role}, a superuser: the append-only rules do not bind it; connect as the services' role (a member of sacp_service)`);
  else if (me?.owner)
    warnings.push(
      `DATABASE_URL connects as ${me.role}, which owns the events table: it could disable the append-only triggers; connect as the services' role (a member of sacp_service)`,
    );
  return { warnings };
}
