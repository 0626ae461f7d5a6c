import type { NatsConnection } from '@nats-io/nats-core';
import { BusClient, connectBus, NO_RETRY, readCredentialFile, type BusCredential } from '@sacp/bus';
import type { Actor } from '@sacp/events';

export interface CliBusOptions {
  url: string;
  /** the CLI's bus credential (`sacp bus init` writes it); read only when the bus is first used */
  credentialsFile: string;
  actor: Actor;
  source: string;
  /** how long one request waits for its reply */
  requestTimeoutMs: number;
}

/**
 * The CLI's door to the control plane: the one bus client, connecting on first use
 * (commands that never touch the bus, e.g. `templates validate`, never need NATS) and
 * never retrying: the CLI reports at once and the user decides, with `--command-id`
 * making a repeat safe.
 */
export function cliBus(o: CliBusOptions): BusClient {
  const connect = (): Promise<NatsConnection> => {
    // without a readable credential the CLI still tries: an unreachable bus is then reported as such,
    // and a refusal names the file it could not use
    let credentials: BusCredential | undefined;
    let problem = '';
    try {
      credentials = readCredentialFile(o.credentialsFile);
    } catch (err) {
      problem = ` (${(err as Error).message})`;
    }
    const from = `the CLI credential ${o.credentialsFile}${problem}; set SACP_NATS_CREDENTIALS or --nats-credentials to a credential file you can read`;
    return connectBus({ url: o.url, name: `sacp-cli ${o.actor.id}`, reconnect: false, ...(credentials ? { credentials } : {}), credentialsFrom: from });
  };
  return new BusClient(connect, { url: o.url, requestTimeoutMs: o.requestTimeoutMs, retry: NO_RETRY, actor: o.actor, source: o.source });
}
