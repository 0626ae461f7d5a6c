import type { Pool, PoolClient } from 'pg';
import { StoreUnavailableError, isConnectionError } from './errors';

/**
 * Runs `fn` in a transaction on a checked-out client. A checked-out pg client that
 * loses its connection emits 'error'; without a listener that would end the process,
 * so it is caught here and the client discarded instead of returned to the pool.
 */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new StoreUnavailableError(err);
  }
  let broken = false;
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (err) {
    if (isConnectionError(err)) broken = true;
    if (!broken) await client.query('rollback').catch(() => (broken = true));
    if (broken) throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(err);
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
