import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Fields every log line written during one unit of work carries (a command's
 * `correlationId` and `commandId`, a reconcile pass's id): set once where the work
 * enters the process, read by the logger, so no call site passes them by hand.
 */
export type LogContext = Readonly<Record<string, string | number | undefined>>;

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `fields` added to the current log context (inner fields win). */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  const outer = storage.getStore();
  return storage.run(outer ? { ...outer, ...fields } : fields, fn);
}

/** The fields of the unit of work running now; empty outside one. */
export function logContext(): LogContext {
  return storage.getStore() ?? {};
}
