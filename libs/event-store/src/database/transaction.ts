import type { DataSource, EntityManager } from 'typeorm';
import { StoreUnavailableError, isConnectionError } from '../errors';

/**
 * Runs `fn` in a transaction on one connection of the DataSource's pool, rolled back if
 * it throws. A connection that fails on the way is not returned to the pool (the pool
 * drops a client that is no longer queryable), and the failure is reported as
 * StoreUnavailableError: nothing of the transaction was committed.
 */
export async function inTransaction<T>(dataSource: DataSource, fn: (tx: EntityManager) => Promise<T>): Promise<T> {
  try {
    return await dataSource.transaction(fn);
  } catch (err) {
    if (isConnectionError(err)) throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(err);
    throw err;
  }
}

/** `fn` with connection failures reported as StoreUnavailableError. */
export async function storeCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isConnectionError(err) && !(err instanceof StoreUnavailableError)) throw new StoreUnavailableError(err);
    throw err;
  }
}
