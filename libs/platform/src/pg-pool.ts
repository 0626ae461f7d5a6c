import { Pool } from 'pg';
import type { JsonLogger } from './logger';

/** A pool whose idle-connection failures are logged instead of crashing the process. */
export function createPool(url: string, log: JsonLogger, max = 10): Pool {
  const pool = new Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    // a process frozen or cut off inside a transaction (an append, a projector pass) holds row and advisory
    // locks; Postgres ends such a transaction after this long, so the replica that takes over is not blocked
    idle_in_transaction_session_timeout: 10_000,
  });
  pool.on('error', (err) => log.warn('idle Postgres connection failed', { error: err.message }));
  return pool;
}

/** The URL without its password, for logs and errors. */
export const safeUrl = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
