import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';

export type RequestHandler = (body: unknown, msg: Msg) => Promise<unknown>;

export interface ServeOptions {
  queue: string;
  handlers: Record<string, RequestHandler>;
  onError: (subject: string, err: unknown) => unknown;
}

/**
 * Answers JSON requests on each subject, once per queue group: with N replicas each
 * request reaches exactly one. A handler that throws still gets a reply.
 */
export function serveRequests(nc: NatsConnection, o: ServeOptions): Subscription[] {
  return Object.entries(o.handlers).map(([subject, handler]) =>
    nc.subscribe(subject, {
      queue: o.queue,
      callback: (err, msg) => {
        if (err) return;
        void (async () => {
          let body: unknown;
          try {
            body = msg.data.length ? JSON.parse(msg.string()) : undefined;
          } catch {
            body = Symbol.for('malformed-json');
          }
          let reply: unknown;
          try {
            reply = await handler(body, msg);
          } catch (e) {
            reply = o.onError(subject, e);
          }
          if (msg.reply) msg.respond(JSON.stringify(reply));
        })();
      },
    }),
  );
}

export const MALFORMED_JSON = Symbol.for('malformed-json');
