/*
 * Posts the monitor's alerts (alert.raised / alert.resolved on SACP_EVENTS) to Discord.
 *
 * Delivery: a durable JetStream consumer per instance (sacp-discord-alerts-<instance>),
 * explicit acks. An alert is acknowledged only after the Discord message that carries
 * it was accepted; until then it is held (its ack deadline kept alive with `working()`)
 * and the send is retried with back-off, so an outage of Discord delays alerts but
 * loses none. On stop, alerts not yet posted are handed back (nak) for the next poster.
 *
 * A destination that answers 403 or 404 (channel deleted, access or permission taken
 * away, webhook deleted) will not take this alert however often it is sent: it is
 * logged (what to fix), counted, acknowledged and skipped, so it never holds back the
 * alerts after it. So is a message Discord refuses even in its plain-text form (400).
 *
 * Everything in an alert comes from agents and their containers (names, causes,
 * messages, log lines): it goes through ../text/inert, so it cannot format, link or ping.
 *
 * Shape: alerts arriving within `burstWindowMs` of the first are taken together. Up to
 * `burstThreshold` of them are posted one embed each (packed into as few messages as
 * Discord's limits allow); more than that become one summary message.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { Subjects } from '@sacp/events';
import type { JsonLogger } from '@sacp/platform';
import { AlertConsumer, alertConsumerName, MAX_ACK_PENDING } from './alert-consumer';
import { AlertDelivery } from './alert-delivery';
import { composePosts, mentionOnCall, type AlertItem } from './alert-format';
import type { AlertSink } from './alert-sinks';

export type { AlertMessage, AlertSink } from './alert-sinks';
export { alertConsumerName } from './alert-consumer';

export const ALERT_RAISED_SUBJECT = Subjects.event('alert.raised');
export const ALERT_RESOLVED_SUBJECT = Subjects.event('alert.resolved');

export interface AlertPosterOptions {
  nc: NatsConnection;
  log: JsonLogger;
  /** SACP_INSTANCE: part of the durable consumer name */
  instance: string;
  sink: AlertSink;
  /** alerts arriving within this many ms of the first are considered together (default 2000) */
  burstWindowMs?: number;
  /** more alerts than this in one window become one summary message (default 5) */
  burstThreshold?: number;
  /** only when the durable consumer is first created: 'new' (default) skips alerts already in the stream */
  startFrom?: 'new' | 'all';
  /** a role pinged by messages that carry a critical alert being raised (e.g. the on-call role); nobody is pinged otherwise */
  mentionRoleId?: string | null;
  /** first retry delay after a failed send (default 1000 ms), doubled up to retryMaxMs (default 30000 ms) */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

/** Takes alerts from the consumer in burst windows, turns each window into posts, and delivers them in order. */
export class AlertPoster {
  private readonly log: JsonLogger;
  private readonly windowMs: number;
  private readonly threshold: number;
  private readonly retryMaxMs: number;
  private readonly durable: string;
  private readonly consumer: AlertConsumer;
  private readonly delivery: AlertDelivery;

  private started = false;
  private worker: Promise<void> | null = null;
  private stopping = false;
  private stopped!: () => void;
  private readonly stopSignal = new Promise<void>((r) => (this.stopped = r));
  private wake: (() => void) | null = null;

  constructor(private readonly opts: AlertPosterOptions) {
    this.log = opts.log;
    this.windowMs = opts.burstWindowMs ?? 2000;
    this.threshold = opts.burstThreshold ?? 5;
    this.retryMaxMs = opts.retryMaxMs ?? 30_000;
    this.durable = alertConsumerName(opts.instance);
    this.consumer = new AlertConsumer({ nc: opts.nc, log: opts.log, durable: this.durable, startFrom: opts.startFrom ?? 'new', onArrival: () => this.wake?.() });
    this.delivery = new AlertDelivery({
      sink: opts.sink,
      log: opts.log,
      consumer: this.durable,
      retryInitialMs: opts.retryInitialMs ?? 1000,
      retryMaxMs: this.retryMaxMs,
      stopping: () => this.stopping,
      sleep: (ms) => this.sleep(ms),
    });
  }

  /** Discord messages sent so far. */
  get posted(): number {
    return this.delivery.sent;
  }

  /** alerts dropped because the destination refused them for good (403, 404, or a body refused twice) */
  get dropped(): number {
    return this.delivery.dropped;
  }

  get consumerName(): string {
    return this.durable;
  }

  /** Creates the stream and durable consumer if missing, then posts until stop(). A stopped poster is not started again: make a new one. */
  async start(): Promise<void> {
    if (this.stopping) throw new Error('AlertPoster was stopped; create a new one');
    if (this.started) return;
    this.started = true;
    await this.consumer.open();
    this.worker = this.work();
    this.log.info('alert poster started', { consumer: this.durable, burstWindowMs: this.windowMs, burstThreshold: this.threshold });
  }

  /** Stops taking alerts, finishes a send in flight, and hands back (nak) whatever was not posted. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopped();
    this.wake?.();
    await this.consumer.stopReceiving();
    await this.worker;
    const handedBack = await this.consumer.handBack();
    this.log.info('alert poster stopped', { consumer: this.durable, handedBack, posted: this.posted });
  }

  /** Batching: the alerts that arrive within the window of the first are taken together. */
  private async work(): Promise<void> {
    while (!this.stopping) {
      if (this.consumer.waiting === 0) {
        await new Promise<void>((r) => (this.wake = r));
        this.wake = null;
        continue;
      }
      const first = this.consumer.firstArrival();
      const waitMs = first !== null ? first + this.windowMs - Date.now() : 0;
      if (waitMs > 0) await this.sleep(waitMs);
      if (this.stopping) break;
      const seqs = this.consumer.take(MAX_ACK_PENDING);
      try {
        await this.postBatch(seqs);
      } catch (err) {
        // never expected: formatting is total. Hand the batch back rather than lose it.
        this.log.error('could not post a batch of alerts', { consumer: this.durable, error: err });
        this.consumer.putBack(seqs);
        await this.sleep(this.retryMaxMs);
      }
    }
  }

  private async postBatch(seqs: number[]): Promise<void> {
    const alerts: AlertItem[] = [];
    const skipped: number[] = [];
    for (const seq of seqs) {
      const item = this.consumer.read(seq);
      if (item) alerts.push(item);
      else skipped.push(seq);
    }
    if (skipped.length) await this.consumer.ack(skipped);
    if (alerts.length === 0) return;
    for (const post of mentionOnCall(composePosts(alerts, this.threshold), alerts, this.opts.mentionRoleId ?? null)) {
      const outcome = await this.delivery.deliver(post);
      // stopping: what is left goes back with the rest of what is held
      if (outcome === 'stopped') return;
      await this.consumer.ack(post.seqs);
    }
  }

  private sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([new Promise<void>((r) => (timer = setTimeout(r, ms))), this.stopSignal]).finally(() => clearTimeout(timer));
  }
}
