import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DeliverPolicy, jetstream, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { ensureEventStream } from '@sacp/bus';
import { EVENT_STREAM, EventHeaders, Subjects, type StoredEvent } from '@sacp/events';
import { JsonLogger } from '@sacp/platform';
import { NATS } from '@sacp/platform/nest';
import { START, type Position } from './resume-cursor';

/** One event of SACP_EVENTS, parsed once per process and shared by every connection. */
export class FeedEvent {
  private readonly frames = new Map<string, string>();
  constructor(
    readonly position: Position,
    readonly event: StoredEvent,
    /** the message body exactly as published */
    private readonly body: string,
  ) {}

  /** `{"type":<kind>,"event":<body>}`, built once per kind for all clients. */
  frame(kind: 'event' | 'alert'): string {
    let f = this.frames.get(kind);
    if (!f) this.frames.set(kind, (f = `{"type":"${kind}","event":${this.body}}`));
    return f;
  }
}

export interface ResourceSample {
  agentId: string | null;
  frame: string;
}

export interface FeedListener {
  event(e: FeedEvent): void;
  resource(s: ResourceSample): void;
}

const RESTART_MS = 1000;

/**
 * The API process's one view of the live bus, fanned out to every WebSocket client:
 * an ordered JetStream consumer on SACP_EVENTS (ephemeral, in stream order, no acks,
 * recreated by the client library from the last sequence after a reconnect; no
 * state another replica needs) and a core NATS subscription to the monitor's
 * resource samples. `head` is the position of the newest event seen: the first
 * message is the stream's last one (DeliverPolicy.Last), so `head` is right from the
 * start without a race between reading the stream's end and subscribing.
 */
@Injectable()
export class LiveFeed implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly listeners = new Set<FeedListener>();
  private messages: ConsumerMessages | null = null;
  private samples: Subscription | null = null;
  private stopped = false;
  private lastSeq = 0;
  private markReady!: () => void;
  head: Position = START;
  ready = false;
  readonly whenReady = new Promise<void>((r) => (this.markReady = r));

  constructor(
    @Inject(NATS) private readonly nc: NatsConnection,
    private readonly log: JsonLogger,
  ) {}

  listen(l: FeedListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  onApplicationBootstrap(): void {
    this.subscribeSamples();
    void this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.samples?.unsubscribe();
    await this.messages?.close();
  }

  private setReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.markReady();
    this.log.info('live feed started', { head: this.head });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.consume();
      } catch (err) {
        if (!this.stopped) this.log.warn('live feed interrupted; resuming from the last message', { error: err, lastSeq: this.lastSeq });
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, RESTART_MS));
    }
  }

  private async consume(): Promise<void> {
    const jsm = await ensureEventStream(this.nc);
    if (!this.ready && (await jsm.streams.info(EVENT_STREAM)).state.last_seq === 0) this.setReady();
    const from = this.lastSeq ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.lastSeq + 1 } : { deliver_policy: DeliverPolicy.Last };
    const consumer = await jetstream(this.nc).consumers.get(EVENT_STREAM, { filter_subjects: Subjects.eventWildcard, name_prefix: 'sacp_api_live', ...from });
    this.messages = await consumer.consume({ max_messages: 256 });
    for await (const m of this.messages) {
      this.lastSeq = m.seq;
      const tx = m.headers?.get(EventHeaders.transactionId);
      const pos = m.headers?.get(EventHeaders.globalPosition);
      let event: StoredEvent;
      const body = m.string();
      try {
        event = JSON.parse(body) as StoredEvent;
      } catch {
        this.log.warn('an unreadable message on the event stream; skipped', { seq: m.seq });
        continue;
      }
      const position = { transactionId: tx ?? event.transactionId, globalPosition: pos ?? event.globalPosition };
      this.head = position;
      const fe = new FeedEvent(position, event, body);
      this.setReady();
      for (const l of this.listeners) l.event(fe);
    }
  }

  private subscribeSamples(): void {
    const prefix = 'sacp.metrics.agent.';
    this.samples = this.nc.subscribe(Subjects.metricsWildcard, {
      callback: (err, m) => {
        if (err) return this.log.warn('resource samples subscription failed', { error: err });
        const agentId = m.subject.startsWith(prefix) ? m.subject.slice(prefix.length) : null;
        if (agentId === null && m.subject !== Subjects.metricsHost) return;
        const body = m.string();
        try {
          if (typeof JSON.parse(body) !== 'object') return;
        } catch {
          return;
        }
        const s: ResourceSample = { agentId, frame: `{"type":"resource","scope":"${agentId === null ? 'host' : 'agent'}","sample":${body}}` };
        for (const l of this.listeners) l.resource(s);
      },
    });
  }
}
