/*
 * The JetStream side of the alert poster: a durable consumer per instance
 * (sacp-discord-alerts-<instance>) with explicit acks. An alert is held, its ack
 * deadline kept alive, until the poster acknowledges it (posted, or refused for good);
 * on close, what was not posted is handed back (nak) for the next poster.
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { ensureEventStream } from '@sacp/bus';
import { EVENT_STREAM, Subjects, type AlertRaisedDataV1, type AlertResolvedDataV1, type StoredEvent } from '@sacp/events';
import type { JsonLogger } from '@sacp/platform';
import type { AlertItem } from './alert-format';

/**
 * The consumer's filter. nats-server 2.9 (what runs here) has no multi-subject
 * filters, so the durable filters on sacp.evt.alert.* and anything but raised/resolved
 * is acknowledged and skipped.
 */
const ALERT_FILTER = Subjects.event('alert.*');
const ACK_WAIT_MS = 60_000;
/** how long closing waits for the server to confirm the consumer's inbox is closed and its naks are in */
const FLUSH_TIMEOUT_MS = 5000;
export const MAX_ACK_PENDING = 1000;

export const alertConsumerName = (instance: string) => `sacp-discord-alerts-${instance.replace(/[^A-Za-z0-9_-]/g, '_')}`;

export interface AlertConsumerOptions {
  nc: NatsConnection;
  log: JsonLogger;
  durable: string;
  /** only when the durable consumer is first created: 'new' skips alerts already in the stream */
  startFrom: 'new' | 'all';
  /** called when an alert arrives */
  onArrival: () => void;
}

export class AlertConsumer {
  /** every alert message received and not yet acknowledged, by stream sequence */
  private readonly held = new Map<number, { msg: JsMsg; arrivedAt: number }>();
  /** stream sequences waiting to be taken into a batch, in arrival order */
  private queue: number[] = [];
  /** stream sequences already posted (a redelivery of one is only acknowledged) */
  private readonly postedSeqs = new Set<number>();
  /** agent names seen on raised alerts, for resolved ones (which carry only the id) */
  private readonly names = new Map<string, string>();
  private messages: ConsumerMessages | null = null;
  private reader: Promise<void> | null = null;
  private keepAlive: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(private readonly o: AlertConsumerOptions) {}

  /** Creates the stream and the durable consumer if missing, and starts receiving. */
  async open(): Promise<void> {
    const { nc, log, durable } = this.o;
    await ensureEventStream(nc);
    const jsm = await jetstreamManager(nc);
    const exists = await jsm.consumers.info(EVENT_STREAM, durable).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await jsm.consumers.add(EVENT_STREAM, {
        durable_name: durable,
        description: 'Discord gateway: monitor alerts posted to Discord',
        ack_policy: AckPolicy.Explicit,
        deliver_policy: this.o.startFrom === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
        filter_subject: ALERT_FILTER,
        ack_wait: nanos(ACK_WAIT_MS),
        max_ack_pending: MAX_ACK_PENDING,
        max_deliver: -1,
      });
      log.info('alert consumer created', { consumer: durable, startFrom: this.o.startFrom });
    }
    const consumer = await jetstream(nc).consumers.get(EVENT_STREAM, durable);
    this.messages = await consumer.consume({ max_messages: 200 });
    this.reader = this.receive(this.messages);
    this.keepAlive = setInterval(() => {
      for (const h of this.held.values()) h.msg.working();
    }, ACK_WAIT_MS / 3);
    this.keepAlive.unref();
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** When the oldest alert waiting for a batch arrived. */
  firstArrival(): number | null {
    const first = this.queue[0];
    return first === undefined ? null : (this.held.get(first)?.arrivedAt ?? null);
  }

  take(max: number): number[] {
    return this.queue.splice(0, max);
  }

  /** Puts back a batch that could not be posted, ahead of what arrived since. */
  putBack(seqs: number[]): void {
    this.queue.unshift(...seqs.filter((s) => this.held.has(s)));
  }

  /** The alert a held message carries; null (it is to be skipped) when it is not an alert this poster posts. */
  read(seq: number): AlertItem | null {
    const h = this.held.get(seq);
    if (!h) return null;
    let ev: StoredEvent;
    try {
      ev = h.msg.json<StoredEvent>();
    } catch (err) {
      this.o.log.error('an alert message is not JSON; skipped', { consumer: this.o.durable, seq, subject: h.msg.subject, error: err });
      return null;
    }
    const at = validTime(ev?.metadata?.occurredAt) ?? validTime(ev?.recordedAt);
    // read field by field: an alert from a newer or broken writer still gets posted with what it has
    const d = (ev?.data ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    if (ev?.type === 'alert.raised') {
      const sev = str(d.severity);
      const data: AlertRaisedDataV1 = {
        key: str(d.key) ?? '?',
        severity: sev === 'info' || sev === 'warning' || sev === 'critical' ? sev : 'critical',
        agentId: str(d.agentId),
        agentName: str(d.agentName),
        cause: str(d.cause) ?? 'unknown',
        message: str(d.message) ?? '',
        lastLogLines: Array.isArray(d.lastLogLines) ? d.lastLogLines.map((l) => String(l)) : [],
      };
      if (data.agentName) {
        remember(this.names, `key:${data.key}`, data.agentName);
        if (data.agentId) remember(this.names, `id:${data.agentId}`, data.agentName);
      }
      return { kind: 'raised', seq, at, data };
    }
    if (ev?.type === 'alert.resolved') {
      const data: AlertResolvedDataV1 = { key: str(d.key) ?? '?', agentId: str(d.agentId), message: str(d.message) ?? '' };
      const agentName = this.names.get(`key:${data.key}`) ?? (data.agentId ? this.names.get(`id:${data.agentId}`) : undefined) ?? null;
      return { kind: 'resolved', seq, at, data, agentName };
    }
    return null;
  }

  /** Acknowledges alerts that are done with (posted, skipped, or refused for good). */
  async ack(seqs: number[]): Promise<void> {
    await Promise.all(
      seqs.map(async (seq) => {
        const h = this.held.get(seq);
        this.held.delete(seq);
        remember(this.postedSeqs, seq);
        if (!h) return;
        try {
          await h.msg.ackAck();
        } catch (err) {
          // the alert is posted; a redelivery of it will only be acknowledged
          this.o.log.warn('could not acknowledge a posted alert', { consumer: this.o.durable, seq, error: err });
        }
      }),
    );
  }

  /** Stops receiving: once this returns, new alerts wait for the next poster. */
  async stopReceiving(): Promise<void> {
    this.closing = true;
    try {
      await this.messages?.close();
    } catch (err) {
      this.o.log.warn('closing the alert consumer failed', { consumer: this.o.durable, error: err });
    }
    // close() only queues an UNSUB for the consumer's inbox; the server keeps the pull
    // request it holds for this poster until it has read that UNSUB. An alert published
    // meanwhile (on another connection, e.g. right after stop() returned) would be
    // delivered to an inbox nobody reads and sit unacknowledged for ack_wait (60 s)
    // before anyone else gets it. A flush is a round trip: once it is back the server has
    // dropped our subscription, so from then on new alerts wait for the next poster.
    await this.flush();
    await this.reader;
  }

  /** Hands back (nak) every alert not posted; the naks reach the server before this returns. Returns how many. */
  async handBack(): Promise<number> {
    if (this.keepAlive) clearInterval(this.keepAlive);
    const unposted = this.held.size;
    for (const h of this.held.values()) h.msg.nak();
    this.held.clear();
    this.queue = [];
    if (unposted > 0) await this.flush();
    return unposted;
  }

  private async receive(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const m of messages) {
        if (this.closing) {
          m.nak();
          continue;
        }
        if (this.postedSeqs.has(m.seq)) {
          m.ack(); // posted before, the acknowledgement was lost
          continue;
        }
        const known = this.held.get(m.seq);
        if (known) {
          known.msg = m; // a redelivery of one we hold: answer the newest delivery
          continue;
        }
        this.held.set(m.seq, { msg: m, arrivedAt: Date.now() });
        this.queue.push(m.seq);
        this.o.onArrival();
      }
    } catch (err) {
      if (!this.closing) this.o.log.error('the alert consumer stopped unexpectedly', { consumer: this.o.durable, error: err });
    }
  }

  /**
   * Waits until the server has processed everything sent so far on the connection; at
   * most FLUSH_TIMEOUT_MS, so a bus outage cannot hold up a shutdown (a flush waits for
   * a reconnect).
   */
  private async flush(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.o.nc.flush(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer from the bus within ${FLUSH_TIMEOUT_MS} ms`)), FLUSH_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      // connection gone or down: its subscription and pull requests end with it on the
      // server, and alerts not acknowledged come back after ack_wait
      this.o.log.warn('could not flush the bus connection while stopping', { consumer: this.o.durable, error: err });
    } finally {
      clearTimeout(timer);
    }
  }
}

function validTime(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** Adds to a bounded Set or Map, forgetting the oldest entries. */
function remember<K, V>(store: Set<K> | Map<K, V>, key: K, value?: V, max = 10_000): void {
  if (store instanceof Map) {
    store.delete(key);
    store.set(key, value as V);
  } else store.add(key);
  while (store.size > max) {
    const oldest = store.keys().next().value as K;
    store.delete(oldest);
  }
}
