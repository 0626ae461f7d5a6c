import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { BusError, busUnavailable } from './bus.errors';

/** A request the bus would refuse for its size: NATS's max_payload, named, with both sizes. */
export class RequestTooLargeError extends Error {
  override readonly name = 'RequestTooLargeError';
  readonly code = 'REQUEST.TOO_LARGE';
  constructor(
    readonly subject: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`the request on ${subject} is ${size} bytes; NATS accepts at most ${limit} bytes per message (the server's max_payload); nothing was sent`);
  }
}

export interface RequestJsonOptions {
  /** where NATS is, named in errors */
  url?: string;
  /**
   * Sends the very same request again when no reply came within this long, until
   * `timeoutMs`; the first reply to any copy is the answer (0: one copy only). Only for
   * requests that may be carried out twice: a command (its id makes a repeat a
   * duplicate, answered with the first outcome) or a query. See `firstReply`.
   */
  resendAfterMs?: number;
}

/** Sends one JSON request and parses the JSON reply; bus failures become BusError with advice. */
export async function requestJson<R>(nc: NatsConnection, subject: string, body: unknown, timeoutMs: number, o: RequestJsonOptions = {}): Promise<R> {
  const { url = 'NATS', resendAfterMs = 0 } = o;
  const data = JSON.stringify(body) ?? '';
  const size = Buffer.byteLength(data);
  const max = nc.info?.max_payload;
  if (max && size > max) throw new RequestTooLargeError(subject, size, max);
  try {
    const msg = await firstReply(nc, subject, data, timeoutMs, resendAfterMs);
    return JSON.parse(msg.string()) as R;
  } catch (err) {
    const e = err as Error & { code?: string };
    const text = `${e.name} ${e.message} ${e.code ?? ''}`;
    if (/max.?payload/i.test(text)) throw new RequestTooLargeError(subject, size, max ?? 0);
    if (/permissions? violation/i.test(text))
      throw new BusError('BUS.FORBIDDEN', `this connection's NATS credential may not send on ${subject} (${e.message}); check NATS_CREDENTIALS_FILE or SACP_NATS_CREDENTIALS`, {
        cause: err,
      });
    if (/NoResponders|no responders|503/i.test(text))
      throw new BusError('BUS.NO_RESPONDERS', `nothing answers on ${subject}: is the orchestrator running? Start it with "bash scripts/up.sh"`, { cause: err });
    if (/Timeout|timed out/i.test(text))
      throw new BusError(
        'BUS.TIMEOUT',
        `no reply on ${subject} within ${timeoutMs} ms; the command may still complete: check with "sacp status", and retry with the same command id`,
        { cause: err },
      );
    if (/closed|connection|disconnect/i.test(text)) throw busUnavailable(url, err);
    throw err;
  }
}

const isTimeout = (err: unknown) => /Timeout|timed out/i.test(`${(err as Error)?.name} ${(err as Error)?.message} ${(err as { code?: string })?.code ?? ''}`);

/**
 * The first reply to a request sent again every `resendAfterMs` while none came, all
 * copies waiting until the same deadline.
 *
 * Why: the services answer in a NATS queue group, and core NATS hands each request to
 * one member and never redelivers it. A member that was SIGKILLed a moment ago may
 * still be in the group (the server has not yet read its socket's close), and a frozen
 * one (SIGSTOP, a stalled VM) or one on a host that vanished stays in it until the
 * server's pings time out, minutes later. A request handed to it is lost, and its
 * sender would wait for its whole timeout and be told "no reply". A copy sent later
 * goes through the group again and most likely reaches a live member; the earlier
 * copies keep waiting, so a slow answer still counts.
 *
 * A copy that fails at once (no responders, a refused subject, a closed connection) ends
 * the request when it is the only one sent; after that it only stops the resending,
 * and the request ends with the last failure, which is then the earlier copies'
 * timeout: one of them may have been carried out.
 */
function firstReply(nc: NatsConnection, subject: string, data: string, timeoutMs: number, resendAfterMs: number): Promise<Msg> {
  if (!(resendAfterMs > 0) || resendAfterMs >= timeoutMs) return nc.request(subject, data, { timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  return new Promise<Msg>((resolve, reject) => {
    let pending = 0;
    let settled = false;
    let timer: NodeJS.Timeout | null = null;
    const stopResending = () => {
      if (timer) clearTimeout(timer);
      timer = null;
    };
    const send = () => {
      timer = null;
      const left = deadline - Date.now();
      pending++;
      // a request the client refuses at once (a closed connection) rejects like any other failure
      new Promise<Msg>((sent) => sent(nc.request(subject, data, { timeout: Math.max(1, left) }))).then(
        (msg) => {
          if (settled) return;
          settled = true;
          stopResending();
          resolve(msg);
        },
        (err: Error) => {
          pending--;
          if (settled) return;
          if (!isTimeout(err)) stopResending();
          if (pending > 0 || timer) return;
          settled = true;
          reject(err);
        },
      );
      if (left > resendAfterMs) timer = setTimeout(send, resendAfterMs);
    };
    send();
  });
}
