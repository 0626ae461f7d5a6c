import { ErrorCodes, type CommandReply, type QueryReply, type WireError } from '@sacp/events';
import { isCommandSubject } from './payload-limit.error';

/** A service's own error types turned into wire errors; undefined leaves the error to the shared rules. */
export type WireErrorMapping = (err: unknown) => WireError | undefined;

/** `AREA.NAME`: the shape of every code that crosses the wire (not Postgres's `23505` nor Node's `ECONNREFUSED`). */
const WIRE_CODE = /^[A-Z][A-Z0-9_]*\.[A-Z][A-Z0-9_]*$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The wire error for anything a handler threw, decided by the error's type, never by
 * its text: the service's own mapping first; then any error that carries a wire code
 * (DomainError, DockerError, BusError, StoreUnavailableError, PayloadLimitError, ...)
 * with its message and details; anything else is INTERNAL.
 */
export function toWireError(err: unknown, mapping?: WireErrorMapping): WireError {
  const mapped = mapping?.(err);
  if (mapped) return mapped;
  const e = err as { code?: unknown; message?: unknown; details?: unknown } | null;
  if (e && typeof e.code === 'string' && WIRE_CODE.test(e.code) && typeof e.message === 'string')
    return isRecord(e.details) ? { code: e.code, message: e.message, details: e.details } : { code: e.code, message: e.message };
  const message = e && typeof e.message === 'string' ? e.message : String(err);
  return { code: ErrorCodes.INTERNAL, message: `internal error: ${message}` };
}

/** True when the wire error is INTERNAL: a bug or an outage to log in full, not a refusal to report. */
export const isInternal = (error: WireError) => error.code === ErrorCodes.INTERNAL;

/**
 * The reply that carries an error, in the shape the subject's readers expect: a
 * command's names the command id it was sent with (when the body had one), a
 * query's is `{ ok: false, error }`.
 */
export function errorReply(subject: string, body: unknown, error: WireError): CommandReply | QueryReply {
  if (!isCommandSubject(subject)) return { ok: false, error };
  const commandId = isRecord(body) && typeof body.commandId === 'string' ? body.commandId.slice(0, 200) : null;
  return { ok: false, commandId, duplicate: false, error };
}
