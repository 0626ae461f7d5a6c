import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  type CommandEnvelope,
  type CommandPayload,
  type CommandResult,
  type CommandType,
  type WireError,
  type Actor,
  type QueryRequest,
  type QueryResult,
  type QueryType,
  type CommandReply,
  type QueryReply,
  Subjects,
} from '@sacp/events';
import { BusError, busUnavailable } from '../bus.errors';
import type { BusLog } from '../nats-connection';
import { requestJson, RequestTooLargeError } from '../request-client';
import { NO_RETRY, retrying, type RetryPolicy } from './retry-policy';

export interface BusClientOptions {
  /** where NATS is, named in errors */
  url: string;
  /** how long one request waits for its reply */
  requestTimeoutMs: number;
  /** how commands and queries are retried when the bus does not deliver (default: one attempt) */
  retry?: RetryPolicy;
  /**
   * within one attempt, the same request is sent again after this long without a reply
   * (default RESEND_AFTER_MS; 0: never): NATS may have handed it to a replica that just
   * died or froze, and does not redeliver (see requestJson)
   */
  resendAfterMs?: number;
  /** who sends, and from where, unless a command says otherwise */
  actor?: Actor;
  source?: string;
  log?: BusLog;
}

/** Called once when a request is not delivered and is being retried: e.g. to tell a waiting user. */
export type OnWaiting = (problem: WireError) => void | Promise<void>;

export interface RequestOptions {
  /** this request's retry policy, instead of the client's */
  retry?: RetryPolicy;
  /** this request's timeout, instead of the client's */
  timeoutMs?: number;
  onWaiting?: OnWaiting;
}

export interface SendOptions extends RequestOptions {
  /** the command's id (default: a new one); a command sent again with the same id is carried out once */
  commandId?: string;
  actor?: Actor;
  source?: string;
  reason?: string | null;
  correlationId?: string;
  causationId?: string | null;
}

/** Where the connection comes from: one already open, or a way to open it on first use (then the client closes it). */
export type BusConnectionSource = NatsConnection | (() => Promise<NatsConnection>);

/**
 * How long a request waits for its reply before the same request is sent again. A
 * command is answered once committed, some 20 ms after it is sent; a copy of one that
 * is merely slow costs a duplicate lookup (and a "duplicate" audit entry). A request
 * NATS handed to a frozen replica is lost, and each copy has the same chance of
 * meeting it again: with 2 replicas, 15 copies in the CLI's 30 s all lost is 1 in 32768.
 */
export const RESEND_AFTER_MS = 2000;

/** Failures the bus reports about delivery, never the control plane's answer. */
const UNDELIVERED_CODES: ReadonlySet<string> = new Set(['BUS.UNAVAILABLE', 'BUS.NO_RESPONDERS', 'BUS.TIMEOUT', 'BUS.UNAUTHORIZED', 'BUS.FORBIDDEN', 'REQUEST.TOO_LARGE']);

/** True when a reply's error says the request never got an answer (the bus failed), not that the control plane said no. */
export const isUndelivered = (error: WireError): boolean => UNDELIVERED_CODES.has(error.code);

/**
 * The one client of the control plane's bus: typed commands and queries over NATS
 * request/reply, in the plain JSON wire contract of libs/events
 * (`sacp.cmd.<aggregate>.<action>.<actorKind>`, `sacp.qry.<type>`), with one retry
 * policy. Framework-free: the CLI uses it as it is; services get it from BusModule.
 *
 * Both `send` and `query` resolve with a reply. When the bus could not deliver (NATS
 * away, nobody answering, a refused credential, a request too large) and the retry
 * policy gave up, the reply says so: `ok: false` with a BUS.* or REQUEST.TOO_LARGE
 * code and `details.attempts`. One shape for every "not done", whoever decided it.
 */
export class BusClient {
  private connecting: Promise<NatsConnection> | null = null;
  /** false between a disconnect and the next reconnect: requests then fail at once instead of waiting out their timeout */
  private connected = true;
  private readonly owned: boolean;

  constructor(
    private readonly source: BusConnectionSource,
    private readonly o: BusClientOptions,
  ) {
    this.owned = typeof source === 'function';
    if (typeof source !== 'function') {
      this.connecting = Promise.resolve(source);
      this.watch(source);
    }
  }

  get url(): string {
    return this.o.url;
  }

  /** The connection, opened on first use when the client was given a way to open it; one however many ask at once. */
  connection(): Promise<NatsConnection> {
    if (this.connecting) return this.connecting;
    const open = this.source as () => Promise<NatsConnection>;
    this.connecting = open().then(
      (nc) => {
        this.watch(nc);
        return nc;
      },
      (err: unknown) => {
        this.connecting = null;
        throw err;
      },
    );
    return this.connecting;
  }

  /** Sends one command and resolves with its reply, typed by the command's type. */
  async send<K extends CommandType>(type: K, payload: CommandPayload<K>, o: SendOptions = {}): Promise<CommandReply<CommandResult<K>>> {
    const actor = o.actor ?? this.o.actor;
    const source = o.source ?? this.o.source;
    if (!actor || !source) throw new Error(`BusClient.send(${type}): no actor or source: give them to the client or to the command`);
    const commandId = o.commandId ?? randomUUID();
    const envelope: CommandEnvelope<CommandPayload<K>> = {
      type,
      version: 1,
      commandId,
      ...(o.correlationId ? { correlationId: o.correlationId } : {}),
      ...(o.causationId !== undefined ? { causationId: o.causationId } : {}),
      actor,
      source,
      ...(o.reason ? { reason: o.reason } : {}),
      payload,
    };
    type Reply = CommandReply<CommandResult<K>>;
    const outcome = await this.attempt<Reply>(Subjects.command(type, actor.kind), envelope, o, { what: type, commandId });
    if (outcome.ok) return outcome.reply;
    return { ok: false, commandId, duplicate: false, error: outcome.error };
  }

  /** Asks one query and resolves with its reply, typed by the query's type (and, for agent.logs, by `follow`). */
  async query<Q extends QueryType, B extends QueryRequest<Q>>(type: Q, body: QueryBody<Q, B>, o: RequestOptions = {}): Promise<QueryReply<QueryResult<Q, B>>> {
    const outcome = await this.attempt<QueryReply<QueryResult<Q, B>>>(Subjects.query(type), body, o, { what: type, commandId: null });
    return outcome.ok ? outcome.reply : { ok: false, error: outcome.error };
  }

  /** Closes the connection if this client opened it (flushing what was published first); safe to call more than once. */
  async close(): Promise<void> {
    if (!this.owned) return;
    const connecting = this.connecting;
    this.connecting = null;
    const nc = connecting ? await connecting.catch(() => null) : null;
    if (!nc || nc.isClosed()) return;
    await nc.flush().catch(() => undefined);
    await nc.close().catch(() => undefined);
  }

  private async attempt<R extends CommandReply<unknown> | QueryReply<unknown>>(
    subject: string,
    body: unknown,
    o: RequestOptions,
    about: { what: string; commandId: string | null },
  ): Promise<{ ok: true; reply: R } | { ok: false; error: WireError }> {
    const policy = o.retry ?? this.o.retry ?? NO_RETRY;
    const timeoutMs = o.timeoutMs ?? this.o.requestTimeoutMs;
    try {
      const outcome = await retrying(policy, () => this.request<R>(subject, body, timeoutMs), {
        again: (reply) => (!reply.ok && policy.retryReplyCodes?.includes(reply.error.code) ? reply.error : null),
        onWaiting: o.onWaiting,
        onRetry: (problem, attempt) =>
          this.o.log?.('warn', about.commandId ? 'the bus did not deliver; retrying with the same command id' : 'the bus did not deliver; retrying', {
            what: about.what,
            commandId: about.commandId,
            attempt,
            code: problem.code,
          }),
      });
      if (outcome.delivered) return { ok: true, reply: outcome.value };
      return { ok: false, error: gaveUp(outcome.error, outcome.attempts, outcome.timedOut, policy, about.commandId) };
    } catch (err) {
      if (err instanceof BusError || err instanceof RequestTooLargeError)
        return { ok: false, error: { code: err.code, message: err.message, ...(err instanceof BusError && err.details ? { details: err.details } : {}) } };
      throw err;
    }
  }

  private async request<R>(subject: string, body: unknown, timeoutMs: number): Promise<R> {
    const nc = await this.connection();
    if (!this.connected || nc.isClosed()) throw busUnavailable(this.o.url, new Error(nc.isClosed() ? 'connection closed' : 'disconnected; reconnecting'));
    // the same body every time: a command keeps its id, so a copy a second replica answers is carried out once
    return requestJson<R>(nc, subject, body, timeoutMs, { url: this.o.url, resendAfterMs: this.o.resendAfterMs ?? RESEND_AFTER_MS });
  }

  private watch(nc: NatsConnection): void {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') this.connected = false;
        else if (s.type === 'reconnect') this.connected = true;
      }
    })().catch(() => undefined);
  }
}

/**
 * A body with only the fields its query knows: TypeScript checks no excess properties
 * against a type parameter, so an unknown field is turned into a `never` it can report.
 */
type Exact<B, T> = { [K in keyof B]: K extends keyof T ? B[K] : never };

/** A query's body as `query` takes it: its request type, with no unknown fields. */
export type QueryBody<Q extends QueryType, B extends QueryRequest<Q>> = B & Exact<B, QueryRequest<Q>>;

/**
 * What it means that the retries ran out, in words a user can act on. Without
 * retries the bus's own error already says it (and names the subject).
 */
function gaveUp(last: BusError, attempts: number, timedOut: boolean, policy: RetryPolicy, commandId: string | null): WireError {
  if (policy.windowMs <= 0) return { code: last.code, message: last.message };
  const seconds = Math.round(policy.windowMs / 1000);
  const message =
    timedOut && commandId
      ? `the control plane did not confirm this within ${seconds} s; it may still happen. Check with status before you repeat it`
      : `the control plane cannot be reached (${last.code === 'BUS.NO_RESPONDERS' ? 'no orchestrator is answering' : 'the message bus is down'}); nothing was done. Try again when it is back`;
  return { code: last.code, message, details: { attempts } };
}
