import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { busUnavailable } from './bus.errors';

export interface BusConnectOptions {
  url: string;
  /** shown in the server's connection list, e.g. "orchestrator" */
  name: string;
  /** services keep reconnecting for ever; one-shot tools give up at once */
  reconnect: boolean;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

/** Connects to NATS, or fails with an error that says where and what to do. */
export async function connectBus(o: BusConnectOptions): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: o.url.split(',').map((s) => s.trim()),
      name: o.name,
      reconnect: o.reconnect,
      maxReconnectAttempts: o.reconnect ? -1 : 0,
      reconnectTimeWait: 500,
      timeout: 3000,
      waitOnFirstConnect: o.reconnect,
    });
  } catch (err) {
    throw busUnavailable(o.url, err);
  }
  if (o.log) {
    const log = o.log;
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') log('warn', 'bus disconnected', { server: String((s as { server?: string }).server ?? o.url) });
        else if (s.type === 'reconnect') log('info', 'bus reconnected', { server: String((s as { server?: string }).server ?? o.url) });
      }
    })().catch(() => undefined);
  }
  return nc;
}
