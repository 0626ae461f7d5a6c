import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { busUnauthorized, busUnavailable, isAuthorizationError } from './bus.errors';
import { inboxPrefix } from './auth/bus-permissions';

/** Where the bus writes what it sees (a service's logger: `(l, m, x) => log.write(l, m, x)`). */
export type BusLog = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

export interface BusConnectOptions {
  url: string;
  /** shown in the server's connection list, e.g. "orchestrator" */
  name: string;
  /** services keep reconnecting for ever; one-shot tools give up at once */
  reconnect: boolean;
  /** who this connection is; its replies arrive under `_INBOX.<user>`, the only inbox it may read */
  credentials?: { user: string; password: string };
  /** where the credentials came from, named when the server refuses them (e.g. "NATS_CREDENTIALS_FILE=/var/lib/sacp/nats/credentials/monitor.json") */
  credentialsFrom?: string;
  log?: BusLog;
}

/** Connects to NATS, or fails with an error that says where and what to do. */
export async function connectBus(o: BusConnectOptions): Promise<NatsConnection> {
  const from = o.credentialsFrom ?? (o.credentials ? `the credentials of "${o.credentials.user}"` : 'NATS_CREDENTIALS_FILE (no credentials were given)');
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: o.url.split(',').map((s) => s.trim()),
      name: o.name,
      reconnect: o.reconnect,
      maxReconnectAttempts: o.reconnect ? -1 : 0,
      reconnectTimeWait: 500,
      timeout: 3000,
      // a refused credential does not become valid by waiting: fail at once with advice
      waitOnFirstConnect: o.reconnect,
      ...(o.credentials ? { user: o.credentials.user, pass: o.credentials.password, inboxPrefix: inboxPrefix(o.credentials.user) } : {}),
    });
  } catch (err) {
    throw isAuthorizationError(err) ? busUnauthorized(o.url, from, err) : busUnavailable(o.url, err);
  }
  if (o.log) {
    const log = o.log;
    void (async () => {
      for await (const s of nc.status()) {
        const server = String((s as { server?: string }).server ?? o.url);
        if (s.type === 'disconnect') log('warn', 'bus disconnected', { server });
        else if (s.type === 'reconnect') log('info', 'bus reconnected', { server });
        else if (s.type === 'error') {
          const error = (s as { error?: Error }).error;
          // a permission refusal names the subject: the credential lacks it, which is a deployment error worth seeing
          log('error', isAuthorizationError(error) ? busUnauthorized(o.url, from).message : 'bus error', { error: error?.message });
        }
      }
    })().catch(() => undefined);
  }
  return nc;
}
