import type { NatsConnection } from '@nats-io/nats-core';
import { BusError, busUnavailable } from './bus.errors';

/** Sends one JSON request and parses the JSON reply; bus failures become BusError with advice. */
export async function requestJson<R>(nc: NatsConnection, subject: string, body: unknown, timeoutMs: number, url = 'NATS'): Promise<R> {
  try {
    const msg = await nc.request(subject, JSON.stringify(body), { timeout: timeoutMs });
    return JSON.parse(msg.string()) as R;
  } catch (err) {
    const e = err as Error & { code?: string };
    const text = `${e.name} ${e.message} ${e.code ?? ''}`;
    if (/permissions? violation/i.test(text))
      throw new BusError('BUS.FORBIDDEN', `this connection's NATS credential may not send on ${subject} (${e.message}); check NATS_CREDENTIALS_FILE or SACP_NATS_CREDENTIALS`, { cause: err });
    if (/NoResponders|no responders|503/i.test(text))
      throw new BusError('BUS.NO_RESPONDERS', `nothing answers on ${subject}: is the orchestrator running? Start it with "bash scripts/up.sh"`, { cause: err });
    if (/Timeout|timed out/i.test(text))
      throw new BusError('BUS.TIMEOUT', `no reply on ${subject} within ${timeoutMs} ms; the command may still complete: check with "sacp status", and retry with the same command id`, { cause: err });
    if (/closed|connection|disconnect/i.test(text)) throw busUnavailable(url, err);
    throw err;
  }
}
