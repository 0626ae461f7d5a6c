import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';

export type RequestHandler = (body: unknown, msg: Msg) => Promise<unknown>;

/** A request or a reply over a size limit; `code` is REQUEST.TOO_LARGE or REPLY.TOO_LARGE. */
export class PayloadLimitError extends Error {
  override readonly name = 'PayloadLimitError';
  constructor(
    readonly code: 'REQUEST.TOO_LARGE' | 'REPLY.TOO_LARGE',
    message: string,
    readonly details: { subject: string; size: number; limit: number; limitName: string },
  ) {
    super(message);
  }
}

export interface ServeOptions {
  queue: string;
  handlers: Record<string, RequestHandler>;
  /** Turns any failure (a handler's error, a PayloadLimitError) into the reply sent instead. */
  onError: (subject: string, err: unknown) => unknown;
  /** Largest request body accepted on a subject (bytes) and the limit's name; larger ones get onError(PayloadLimitError). */
  requestLimit?: (subject: string) => { bytes: number; name: string };
  /** Largest reply sent (bytes); a larger one is replaced by onError(PayloadLimitError). Default: the server's max_payload less 1 KiB. */
  replyLimit?: { bytes: number; name: string };
  /** Where failures to reply are reported (the process never ends over them). */
  log?: (msg: string, fields: Record<string, unknown>) => void;
}

/**
 * Answers JSON requests on each subject, once per queue group: with N replicas each
 * request reaches exactly one. Whatever a request holds, it gets a reply and the
 * process goes on: malformed JSON reaches the handler as MALFORMED_JSON, an oversized
 * body or reply becomes an error reply naming the limit, a handler that throws still
 * gets a reply, and a reply that cannot be sent is logged.
 */
export function serveRequests(nc: NatsConnection, o: ServeOptions): Subscription[] {
  const log = o.log ?? ((msg, fields) => process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), level: 'error', msg, ...fields })}\n`));
  const replyLimit = () => o.replyLimit ?? { bytes: Math.max(1024, (nc.info?.max_payload ?? 1024 * 1024) - 1024), name: 'NATS max_payload' };
  const errorReply = (subject: string, err: unknown): string => {
    try {
      return JSON.stringify(o.onError(subject, err)) ?? 'null';
    } catch (e) {
      log('request error mapping failed', { subject, error: (e as Error).message });
      return JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    }
  };
  const respond = (msg: Msg, subject: string, data: string): void => {
    if (!msg.reply) return;
    try {
      msg.respond(data);
    } catch (err) {
      log('reply could not be sent', { subject, bytes: Buffer.byteLength(data), error: (err as Error).message });
      // one more try with a small error reply, so the requester does not wait for its timeout
      try {
        msg.respond(
          errorReply(
            subject,
            new PayloadLimitError('REPLY.TOO_LARGE', `the reply could not be sent: ${(err as Error).message}`, {
              subject,
              size: Buffer.byteLength(data),
              limit: replyLimit().bytes,
              limitName: replyLimit().name,
            }),
          ),
        );
      } catch (again) {
        log('error reply could not be sent either', { subject, error: (again as Error).message });
      }
    }
  };
  const answer = async (subject: string, handler: RequestHandler, msg: Msg): Promise<void> => {
    const limit = o.requestLimit?.(subject);
    if (limit && msg.data.length > limit.bytes) {
      const err = new PayloadLimitError('REQUEST.TOO_LARGE', `the request is ${msg.data.length} bytes; the limit is ${limit.bytes} bytes (${limit.name})`, {
        subject,
        size: msg.data.length,
        limit: limit.bytes,
        limitName: limit.name,
      });
      return respond(msg, subject, errorReply(subject, err));
    }
    let body: unknown;
    try {
      body = msg.data.length ? JSON.parse(msg.string()) : undefined;
    } catch {
      body = MALFORMED_JSON;
    }
    let data: string;
    try {
      data = JSON.stringify(await handler(body, msg)) ?? 'null';
    } catch (e) {
      data = errorReply(subject, e);
    }
    const size = Buffer.byteLength(data);
    const max = replyLimit();
    if (size > max.bytes) {
      log('reply over the limit replaced by an error', { subject, bytes: size, limit: max.bytes });
      data = errorReply(
        subject,
        new PayloadLimitError('REPLY.TOO_LARGE', `the reply would be ${size} bytes; the limit is ${max.bytes} bytes (${max.name}); ask for a smaller page`, {
          subject,
          size,
          limit: max.bytes,
          limitName: max.name,
        }),
      );
    }
    respond(msg, subject, data);
  };
  return Object.entries(o.handlers).map(([subject, handler]) =>
    nc.subscribe(subject, {
      queue: o.queue,
      callback: (err, msg) => {
        if (err) return log('request subscription error', { subject, error: err.message });
        answer(msg.subject, handler, msg).catch((e: unknown) => log('request handling failed', { subject, error: (e as Error)?.message ?? String(e) }));
      },
    }),
  );
}

export const MALFORMED_JSON = Symbol.for('malformed-json');
