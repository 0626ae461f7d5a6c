import { ErrorCodes, Subjects } from '@sacp/events';

export type PayloadLimitCode = typeof ErrorCodes.COMMAND_TOO_LARGE | typeof ErrorCodes.QUERY_TOO_LARGE | typeof ErrorCodes.REPLY_TOO_LARGE | 'REQUEST.TOO_LARGE';

/** A request or a reply over a size limit, with its wire code: the request's kind (command, query) or the reply's. */
export class PayloadLimitError extends Error {
  override readonly name = 'PayloadLimitError';
  constructor(
    readonly code: PayloadLimitCode,
    message: string,
    readonly details: { subject: string; size: number; limit: number; limitName: string },
  ) {
    super(message);
  }
}

/** The code of a request over its limit: named after what the subject carries. */
export function requestTooLargeCode(subject: string): PayloadLimitCode {
  if (isCommandSubject(subject)) return ErrorCodes.COMMAND_TOO_LARGE;
  if (isQuerySubject(subject)) return ErrorCodes.QUERY_TOO_LARGE;
  return 'REQUEST.TOO_LARGE';
}

/** `sacp.cmd.…`: a command, answered with a CommandReply */
export const isCommandSubject = (subject: string) => subject.startsWith(Subjects.commandWildcard.slice(0, -1));
/** `sacp.qry.…`: a query, answered with a QueryReply */
export const isQuerySubject = (subject: string) => subject.startsWith(Subjects.queryPrefix);
