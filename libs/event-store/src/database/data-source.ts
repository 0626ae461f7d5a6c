import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { ENTITIES } from '../entities';
import { MIGRATIONS, MIGRATIONS_TABLE } from '../migrations/migrations';
import { SessionAwareClient } from './session-aware-client';

/** Where the store's log lines go: the service's structured logger. */
export interface StoreLog {
  write(level: 'debug' | 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>): void;
}

export interface DatabaseOptions {
  /** a postgres:// URL: the services' role (DATABASE_URL), or the owner's to migrate */
  url: string;
  /** connections in the pool */
  poolSize?: number;
  /** `application_name`, shown in pg_stat_activity */
  applicationName?: string;
  log?: StoreLog;
}

/** Statements slower than this are logged (their text only, never their parameters). */
const SLOW_QUERY_MS = 2000;

/**
 * The one DataSource of a service: TypeORM on `pg`, with the entities (read models,
 * audit, secrets, checkpoints) and the migrations. The hot paths (the append, the
 * commit-order reader) run hand-written SQL through this same DataSource.
 *
 * The pool keeps what the services always had: a bounded connect, idle connections
 * closed, TCP keepalives, and `idle_in_transaction_session_timeout`, because a
 * process frozen or cut off inside a transaction (an append, a projector pass) holds
 * row and advisory locks that would block the replica taking over. Its clients end
 * themselves when the server ends their session (SessionAwareClient), so a connection
 * an administrator terminated is never handed to the next query.
 * Nothing is synchronised from the entities: the schema is the migrations' alone.
 */
export function createDataSource(o: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: o.url,
    poolSize: o.poolSize ?? 4,
    applicationName: o.applicationName,
    connectTimeoutMS: 5000,
    extra: { idleTimeoutMillis: 30_000, keepAlive: true, idle_in_transaction_session_timeout: 10_000, Client: SessionAwareClient },
    // an idle connection that fails is replaced by the pool; it must not end the process
    poolErrorHandler: (err: Error) => o.log?.write('warn', 'idle Postgres connection failed', { error: err.message }),
    // the services' role may not create extensions, and no entity needs one
    installExtensions: false,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    maxQueryExecutionTime: SLOW_QUERY_MS,
    logger: new StoreLogger(o.log ?? { write: () => undefined }),
    logging: false,
  });
}

/** TypeORM's log calls as structured lines. Query errors are not logged here: they are thrown to the caller, who knows what failed. */
class StoreLogger implements TypeOrmLogger {
  constructor(private readonly out: StoreLog) {}
  logQuery(): void {}
  logQueryError(): void {}
  logQuerySlow(time: number, query: string): void {
    this.out.write('warn', 'slow Postgres statement', { ms: time, statement: query.replace(/\s+/g, ' ').slice(0, 300) });
  }
  logSchemaBuild(message: string): void {
    this.out.write('debug', message);
  }
  /** a failed migration: the runner throws and logs it with its name */
  logMigration(message: string): void {
    this.out.write('debug', message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    this.out.write(level === 'warn' ? 'warn' : 'debug', String(message));
  }
}
