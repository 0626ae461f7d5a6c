import type { DataSource } from 'typeorm';
import { createDataSource, type DatabaseOptions, type StoreLog } from '../database/data-source';
import { migrate, type MigrationReport } from '../migrations/migrate';
import { checkSchema } from '../migrations/schema-check';

export interface DatabaseModuleOptions extends DatabaseOptions {
  /**
   * 'at-start' (the default): the service starts only once its DataSource is open (and,
   * with `checkSchema`, the schema checked). 'in-background': the service starts at once
   * and connects as soon as Postgres answers; its readiness says "postgres" until then.
   */
  connect?: 'at-start' | 'in-background';
  /** the owner's URL (DATABASE_MIGRATION_URL): the migrations run with it, on a connection closed at once, before the service's DataSource opens */
  migrationUrl?: string;
  /** refuse to start on a schema older than this code, and warn about a role the database's rules do not bind (at-start only) */
  checkSchema?: boolean;
}

/**
 * Runs the migrations as the owner on a DataSource of one connection, closed before
 * returning: no long-running process keeps the owner's connection.
 */
export async function migrateWith(url: string, log?: StoreLog): Promise<MigrationReport> {
  const owner = createDataSource({ url, poolSize: 1, log, applicationName: 'sacp-migrate' });
  await owner.initialize();
  try {
    const report = await migrate(owner);
    if (report.takenOver.length) log?.write('info', 'took over the record of the migrations the previous runner applied (none was run again)', { takenOver: report.takenOver });
    if (report.applied.length) log?.write('info', 'migrated the event store', { applied: report.applied });
    return report;
  } finally {
    await owner.destroy().catch(() => undefined);
  }
}

/** A service's DataSource, as DatabaseModule opens it: migrated first when it holds the owner's URL, then checked. */
export async function openDataSource(o: DatabaseModuleOptions): Promise<DataSource> {
  if (o.migrationUrl) await migrateWith(o.migrationUrl, o.log);
  const dataSource = createDataSource(o);
  if (o.connect === 'in-background') return dataSource;
  await dataSource.initialize();
  if (o.checkSchema === false) return dataSource;
  try {
    const { warnings } = await checkSchema(dataSource);
    for (const w of warnings) o.log?.write('warn', w);
  } catch (err) {
    await dataSource.destroy().catch(() => undefined);
    throw err;
  }
  return dataSource;
}
