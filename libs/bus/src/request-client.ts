import type { NatsConnection } from '@nats-io/nats-core';
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

/** Sends one JSON request and parses the JSON reply; bus failures become BusError with advice. */
export async function requestJson<R>(nc: NatsConnection, subject: string, body: unknown, timeoutMs: number, url = 'NATS'): Promise<R> {
  const data = JSON.stringify(body) ?? '';
  const size = Buffer.byteLength(data);
  const max = nc.info?.max_payload;
  if (max && size > max) throw new RequestTooLargeError(subject, size, max);
  try {
    const msg = await nc.request(subject, data, { timeout: timeoutMs });
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
