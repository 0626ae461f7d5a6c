import { ConfigError, JsonLogger, safeUrl } from '@sacp/platform';
import { migrateWith } from '@sacp/event-store/nest';
import { loadMigrationConfig } from './config';

/**
 * `node dist/apps/orchestrator/migrate.js`: applies the event store's migrations as
 * the role that owns the database (DATABASE_MIGRATION_URL) and exits. Run it before
 * the services, which connect as a role that may not change the schema.
 */
async function main(): Promise<number> {
  let config;
  try {
    config = loadMigrationConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 78; // EX_CONFIG
    }
    throw err;
  }
  const log = new JsonLogger('migrate', config.LOG_LEVEL);
  try {
    const { applied, takenOver } = await migrateWith(config.DATABASE_MIGRATION_URL, log);
    if (!applied.length && !takenOver.length) log.info('the event store is up to date', { database: safeUrl(config.DATABASE_MIGRATION_URL) });
    return 0;
  } catch (err) {
    log.error('migration failed', { error: (err as Error).message, database: safeUrl(config.DATABASE_MIGRATION_URL) });
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), level: 'error', service: 'migrate', msg: 'failed', error: (err as Error).message })}\n`);
    process.exit(1);
  },
);
