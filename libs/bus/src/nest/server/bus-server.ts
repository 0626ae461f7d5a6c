import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import { ServerNats, type NatsContext, type OutgoingResponse } from '@nestjs/microservices';
import { ErrorCodes, Limits } from '@sacp/events';
import { connectBus, type BusLog } from '../../nats-connection';
import { JsonReplySerializer } from './json-reply.serializer';
import { JsonRequestDeserializer, type RequestLimit } from './json-request.deserializer';
import { isCommandSubject, isQuerySubject, PayloadLimitError } from '../../payload-limit.error';
import { errorReply, toWireError } from '../../wire-reply';
import { nestBusLog } from './bus-log';

export interface BusServerOptions {
  url: string;
  /** shown in the server's connection list, e.g. "sacp-orchestrator-requests" */
  name: string;
  /** who this connection is (NATS_CREDENTIALS_FILE); its inbox prefix follows from the user */
  credentials?: { user: string; password: string };
  /** where the credentials came from, named when the server refuses them */
  credentialsFrom?: string;
  /** the queue group: with N replicas each request reaches exactly one */
  queue: string;
  /** largest request body per subject; default: commands COMMAND_MAX_BYTES, queries QUERY_MAX_BYTES */
  requestLimit?: (subject: string) => RequestLimit | null;
  /** largest reply; default: the server's max_payload less 1 KiB */
  replyLimit?: RequestLimit;
  /** how long close() waits for requests in flight to be answered */
  drainTimeoutMs?: number;
  /** the service's logger; without one, Nest's */
  log?: BusLog;
}

/** The control plane's limits: a command envelope, a query body. */
export function defaultRequestLimit(subject: string): RequestLimit | null {
  if (isCommandSubject(subject)) return { bytes: Limits.COMMAND_MAX_BYTES, name: 'COMMAND_MAX_BYTES' };
  if (isQuerySubject(subject)) return { bytes: Limits.QUERY_MAX_BYTES, name: 'QUERY_MAX_BYTES' };
  return null;
}

/**
 * Nest's NATS transport with the bus's guarantees: it connects with the service's
 * own credential, subscribes each `@MessagePattern` subject as given (wildcards
 * included) in the queue group, and answers every request with plain JSON whatever
 * happens: a reply that cannot be encoded or is over the limit becomes an error
 * reply naming the limit, and a reply NATS refuses is followed by a small error reply
 * so the requester does not wait for its timeout. On close it stops taking requests,
 * lets the ones in flight answer, then closes its connection.
 */
export class BusServer extends ServerNats {
  private readonly subs: Subscription[] = [];
  /** requests taken and not yet answered: close() waits for them */
  private readonly inFlight = new Map<Msg, () => void>();
  private idle: (() => void) | null = null;
  private readonly log: BusLog;

  constructor(private readonly o: BusServerOptions) {
    super({ queue: o.queue, serializer: new JsonReplySerializer(), deserializer: new JsonRequestDeserializer(o.requestLimit ?? defaultRequestLimit) });
    this.log = o.log ?? nestBusLog('BusServer');
  }

  override async createNatsClient(): Promise<NatsConnection> {
    return connectBus({ url: this.o.url, name: this.o.name, reconnect: true, credentials: this.o.credentials, credentialsFrom: this.o.credentialsFrom });
  }

  /** Ready once the server has every subscription: a request sent right after start finds its responder. */
  override start(callback: (err?: unknown) => void): void {
    const client = this.unwrap<NatsConnection>();
    this.bindEvents(client);
    client.flush().then(
      () => callback(),
      (err: unknown) => callback(err),
    );
  }

  override bindEvents(client: NatsConnection): void {
    for (const [channel, handler] of this.messageHandlers) {
      const queue = (handler.extras?.queue as string | undefined) ?? this.o.queue;
      this.subs.push(client.subscribe(channel, { queue, callback: this.getMessageHandler(channel) as (err: Error | null, msg: Msg) => void }));
    }
  }

  override async handleMessage(channel: string, msg: Msg): Promise<void> {
    this.inFlight.set(msg, () => this.finished(msg));
    try {
      await super.handleMessage(channel, msg);
    } catch (err) {
      this.finished(msg);
      throw err;
    }
  }

  override getPublisher(msg: Msg, _id: string, ctx: NatsContext): (packet: OutgoingResponse) => void {
    return (packet) => {
      // Nest may send the end of a stream as a packet of its own: nothing to answer
      if ('response' in packet || packet.err !== undefined) this.reply(msg, ctx.getSubject(), packet);
      if (packet.isDisposed || packet.err !== undefined) this.inFlight.get(msg)?.();
    };
  }

  override async close(): Promise<void> {
    await Promise.all(this.subs.splice(0).map((s) => s.drain().catch(() => undefined)));
    if (this.inFlight.size) {
      const timeoutMs = this.o.drainTimeoutMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((resolve) => (this.idle = resolve)), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
      if (this.inFlight.size) this.log('warn', 'closing with requests still unanswered', { requests: this.inFlight.size, waitedMs: timeoutMs });
    }
    await this.connection()
      ?.flush()
      .catch(() => undefined);
    await super.close();
  }

  private finished(msg: Msg): void {
    if (!this.inFlight.delete(msg)) return;
    if (!this.inFlight.size) this.idle?.();
  }

  private connection(): NatsConnection | null {
    try {
      return this.unwrap<NatsConnection>();
    } catch {
      return null;
    }
  }

  private replyLimit(): RequestLimit {
    return this.o.replyLimit ?? { bytes: Math.max(1024, (this.connection()?.info?.max_payload ?? Limits.NATS_MAX_PAYLOAD_BYTES) - 1024), name: 'NATS max_payload' };
  }

  private encodeError(subject: string, err: unknown): string {
    return JSON.stringify(errorReply(subject, undefined, toWireError(err)));
  }

  private reply(msg: Msg, subject: string, packet: OutgoingResponse): void {
    if (!msg.reply) return;
    let data: string;
    try {
      data = (this.serializer as JsonReplySerializer).serialize(packet, { subject });
    } catch (err) {
      this.log('error', 'reply could not be encoded', { subject, error: err });
      data = this.encodeError(subject, err);
    }
    const size = Buffer.byteLength(data);
    const max = this.replyLimit();
    if (size > max.bytes) {
      this.log('warn', 'reply over the limit replaced by an error', { subject, bytes: size, limit: max.bytes });
      data = this.encodeError(
        subject,
        new PayloadLimitError(ErrorCodes.REPLY_TOO_LARGE, `the reply would be ${size} bytes; the limit is ${max.bytes} bytes (${max.name}); ask for a smaller page`, {
          subject,
          size,
          limit: max.bytes,
          limitName: max.name,
        }),
      );
    }
    try {
      msg.respond(data);
    } catch (err) {
      this.log('error', 'reply could not be sent', { subject, bytes: Buffer.byteLength(data), error: err });
      // one more try with a small error reply, so the requester does not wait for its timeout
      try {
        msg.respond(
          this.encodeError(
            subject,
            new PayloadLimitError(ErrorCodes.REPLY_TOO_LARGE, `the reply could not be sent: ${(err as Error).message}`, {
              subject,
              size: Buffer.byteLength(data),
              limit: max.bytes,
              limitName: max.name,
            }),
          ),
        );
      } catch (again) {
        this.log('error', 'error reply could not be sent either', { subject, error: again });
      }
    }
  }
}
