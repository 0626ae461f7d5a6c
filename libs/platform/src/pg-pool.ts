import { Pool } from 'pg';
import type { JsonLogger } from './logger';

/** A pool whose idle-connection failures are logged instead of crashing the process. */
export function createPool(url: string, log: JsonLogger, max = 10): Pool {
  const pool = new Pool({ connectionString: url, max, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 });
  pool.on('error', (err) => log.warn('idle Postgres connection failed', { error: err.message }));
  return pool;
}

/** The URL without its password, for logs and errors. */
export const safeUrl = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
