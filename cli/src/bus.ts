import { randomUUID } from 'node:crypto';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { BusError, readCredentialFile, connectBus, requestJson } from '@sacp/bus';
import { type CommandEnvelope, type CommandType, type Actor, type QueryType, type CommandReply, type QueryReply, Subjects } from '@sacp/events';
import { refused } from './errors';

export interface ControlPlaneClientOptions {
  url: string;
  /** the CLI's bus credential (`sacp bus init` writes it); read only when the bus is first used */
  credentialsFile: string;
  actor: Actor;
  source: string;
  /** how long one request waits for its reply */
  requestTimeoutMs: number;
  /** the id of the (single) command this invocation sends; a retry with the same id is idempotent */
  commandId?: string;
}

export type AcceptedReply<R> = Extract<CommandReply<R>, { ok: true }>;

/**
 * The CLI's one door to the control plane: commands and queries over NATS
 * request/reply, in the wire contract of libs/events. Connects on first use, so
 * commands that never touch the bus (e.g. `templates validate`) never need NATS.
 */
export class ControlPlaneClient {
  private connecting: Promise<NatsConnection> | null = null;
  readonly commandId: string;

  constructor(private readonly o: ControlPlaneClientOptions) {
    this.commandId = o.commandId ?? randomUUID();
  }

  get url(): string {
    return this.o.url;
  }

  /** One connection however many requests ask for it at once. */
  async connection(): Promise<NatsConnection> {
    this.connecting ??= Promise.resolve()
      .then(() => {
        // without a readable credential the CLI still tries: an unreachable bus is then reported as such,
        // and a refusal names the file it could not use
        let credentials;
        let problem = '';
        try {
          credentials = readCredentialFile(this.o.credentialsFile);
        } catch (err) {
          problem = ` (${(err as Error).message})`;
        }
        const from = `the CLI credential ${this.o.credentialsFile}${problem}; set SACP_NATS_CREDENTIALS or --nats-credentials to a credential file you can read`;
        return connectBus({ url: this.o.url, name: `sacp-cli ${this.o.actor.id}`, reconnect: false, credentials, credentialsFrom: from });
      })
      .catch((err: unknown) => {
        this.connecting = null;
        throw err;
      });
    return this.connecting;
  }

  /** Sends one command; resolves with the accepted reply, throws a CliError (exit 1) when refused. */
  async command<R = Record<string, unknown>>(type: CommandType, payload: unknown, options: { reason?: string; what?: string } = {}): Promise<AcceptedReply<R>> {
    const envelope: CommandEnvelope = {
      type,
      version: 1,
      commandId: this.commandId,
      actor: this.o.actor,
      source: this.o.source,
      ...(options.reason ? { reason: options.reason } : {}),
      payload,
    };
    const reply = await requestJson<CommandReply<R>>(await this.connection(), Subjects.command(type, this.o.actor.kind), envelope, this.o.requestTimeoutMs, this.o.url);
    if (!reply.ok) throw refused(reply.error, options.what ?? type);
    return reply;
  }

  /** The raw reply of a query, for callers that treat some errors as answers. */
  async queryReply<R>(type: QueryType, body: unknown): Promise<QueryReply<R>> {
    return requestJson<QueryReply<R>>(await this.connection(), Subjects.query(type), body, this.o.requestTimeoutMs, this.o.url);
  }

  /** A query's result; throws a CliError (exit 1) when the control plane answers with an error. */
  async query<R>(type: QueryType, body: unknown, what: string = type): Promise<R> {
    const reply = await this.queryReply<R>(type, body);
    if (!reply.ok) throw refused(reply.error, what);
    return reply.result;
  }

  /**
   * A request to something that may not be running (e.g. the monitor): resolves with
   * its reply, or null when nothing answers within `timeoutMs` (no responders,
   * timeout). Other failures, such as NATS being unreachable, still throw.
   */
  async optionalRequest<R>(subject: string, body: unknown, timeoutMs: number): Promise<R | null> {
    try {
      return await requestJson<R>(await this.connection(), subject, body, Math.min(timeoutMs, this.o.requestTimeoutMs), this.o.url);
    } catch (err) {
      if (err instanceof BusError && (err.code === 'BUS.NO_RESPONDERS' || err.code === 'BUS.TIMEOUT')) return null;
      throw err;
    }
  }

  async subscribe(subject: string): Promise<Subscription> {
    return (await this.connection()).subscribe(subject);
  }

  async publish(subject: string, data = ''): Promise<void> {
    (await this.connection()).publish(subject, data);
  }

  /** Flushes what was published, then closes; safe to call more than once. */
  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = null;
    const nc = connecting ? await connecting.catch(() => null) : null;
    if (!nc || nc.isClosed()) return;
    await nc.flush().catch(() => undefined);
    await nc.close().catch(() => undefined);
  }
}
