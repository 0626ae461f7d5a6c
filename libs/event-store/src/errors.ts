/** An append that expected another stream version. Decide again on fresh state; never re-append blindly. */
export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  readonly code = 'STORE.CONFLICT';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`stream ${streamId} is at version ${actualVersion}, not the expected ${expectedVersion}: it was changed concurrently`);
  }
}

/** Postgres cannot be reached or went away mid-operation. Nothing of the operation was recorded. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'STORE.UNAVAILABLE';
  constructor(cause: unknown) {
    super(`the event store (Postgres) is unavailable: ${(cause as Error)?.message ?? String(cause)}; nothing was recorded, retry with the same command id once it is back`, {
      cause,
    });
  }
}

const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** Connection-level failures, as opposed to errors in what was asked. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string; name?: string };
  if (!e) return false;
  if (e instanceof StoreUnavailableError) return true;
  // TypeORM's query runner let its connection go after the connection failed
  if (e.name === 'QueryRunnerAlreadyReleasedError') return true;
  if (e.code && CONNECTION_ERRNOS.has(e.code)) return true;
  // 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 08xxx connection exceptions
  if (e.code && (/^08/.test(e.code) || /^57P0[123]$/.test(e.code))) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|Connection ended unexpectedly/i.test(e.message ?? '');
}
