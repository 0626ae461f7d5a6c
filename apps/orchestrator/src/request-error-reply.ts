import { PayloadLimitError } from '@sacp/bus';
import { ErrorCodes, parseCommandSubject, Subjects } from '@sacp/events';
import type { JsonLogger } from '@sacp/platform';

/**
 * The reply for a request that failed outside its handler's own mapping: an oversized
 * request or reply (naming the limit) or an unexpected throw. Commands and queries get
 * the same shape (`commandId`/`duplicate` are ignored by query readers).
 */
export function requestErrorReply(subject: string, err: unknown, log: JsonLogger, audit?: (commandType: string, code: string, message: string) => void) {
  const isQuery = subject.startsWith(Subjects.queryPrefix);
  if (err instanceof PayloadLimitError) {
    const code = err.code === 'REPLY.TOO_LARGE' ? ErrorCodes.REPLY_TOO_LARGE : isQuery ? ErrorCodes.QUERY_TOO_LARGE : ErrorCodes.COMMAND_TOO_LARGE;
    log.warn('request refused for its size', { subject, code, size: err.details.size, limit: err.details.limit });
    // a command nobody could read is still a command received: the audit trail has it
    if (code === ErrorCodes.COMMAND_TOO_LARGE) audit?.(parseCommandSubject(subject)?.type ?? subject, code, err.message);
    return { ok: false, commandId: null, duplicate: false, error: { code, message: err.message, details: err.details } };
  }
  log.error('request handler failed', { subject, error: err });
  return { ok: false, commandId: null, duplicate: false, error: { code: ErrorCodes.INTERNAL, message: `internal error: ${(err as Error)?.message ?? String(err)}` } };
}
