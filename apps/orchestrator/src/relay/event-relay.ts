import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { EVENT_STREAM, Subjects, bodyOmittedStandIn, EventHeaders, type StoredEvent, Limits } from '@sacp/events';
import { ensureEventStream } from '@sacp/bus';
import { checkpointOf, type Checkpoint, EventStore } from '@sacp/event-store';
import { type JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER, NATS } from '@sacp/platform/nest';
import type { OrchestratorConfig } from '../config';
import { Leadership, type LeaderRole } from '../leadership/leadership';
import { RelayLag } from './relay-lag';

const CHECKPOINT = 'relay';

/** Total order of checkpoints: (transaction id, global position). */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const t = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (t !== 0n) return t < 0n ? -1 : 1;
  const p = BigInt(a.globalPosition) - BigInt(b.globalPosition);
  return p === 0n ? 0 : p < 0n ? -1 : 1;
}

/**
 * The outbox relay: publishes committed events, in commit-safe global order, to the
 * SACP_EVENTS stream with Nats-Msg-Id = event id, and moves its checkpoint only after
 * JetStream acknowledged. A crash re-publishes at most the unacknowledged tail, which
 * JetStream drops as duplicates; on start it also skips what the stream already holds.
 * Runs on the elected replica only, and reports how far behind it is
 * (`sacp_relay_lag_events`, `sacp_relay_lag_seconds`).
 */
@Injectable()
export class EventRelay implements LeaderRole, BeforeApplicationShutdown {
  private active = false;
  private wake: (() => void) | null = null;
  private loopDone: Promise<void> | null = null;
  private readonly pollMs: number;
  private readonly batchSize = 256;
  published = 0;

  constructor(
    private readonly store: EventStore,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly log: JsonLogger,
    @Inject(CONFIG) config: OrchestratorConfig,
    private readonly leadership: Leadership,
    private readonly lag: RelayLag,
  ) {
    this.pollMs = config.SACP_POLL_INTERVAL_MS;
    leadership.join(this);
  }

  /** false once this replica's leader lease ran out: nothing more is published until it is elected again */
  private fence(): boolean {
    return this.leadership.holdsLease;
  }

  onElected(): void {
    this.notify();
    this.activate();
  }

  onLost(): void {
    void this.deactivate();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.deactivate();
  }

  activate(): void {
    if (this.active) return;
    this.active = true;
    // a loop still winding down from a lost leadership ends before the new one starts: never two publishers
    const previous = this.loopDone ?? Promise.resolve();
    this.loopDone = previous.then(() => this.run()).catch((err: unknown) => this.log.error('relay stopped', { error: err }));
  }

  async deactivate(): Promise<void> {
    this.active = false;
    this.wake?.();
    await this.loopDone;
    this.lag.clear();
  }

  /** A commit happened: publish without waiting for the next poll. */
  notify(): void {
    this.wake?.();
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.wake = null;
  }

  /** Where the stream already is: the headers of its last message. */
  private async streamHead(): Promise<Checkpoint | null> {
    const jsm = await ensureEventStream(this.nc);
    const info = await jsm.streams.info(EVENT_STREAM);
    if (!info.state.last_seq) return null;
    const msg = await jsm.streams.getMessage(EVENT_STREAM, { seq: info.state.last_seq }).catch(() => null);
    const tx = msg?.header.get(EventHeaders.transactionId);
    const pos = msg?.header.get(EventHeaders.globalPosition);
    return tx && pos ? { transactionId: tx, globalPosition: pos } : null;
  }

  /** Stand-ins published for events too large for the bus. */
  standIns = 0;

  /**
   * Publishes one event, or, when it is too large for the bus, a bounded stand-in
   * (ids, type, metadata, a note that the body is in the store; header
   * Sacp-Body-Omitted) so that the relay never stalls behind it.
   */
  private async publish(js: JetStreamClient, e: StoredEvent) {
    const body = JSON.stringify(e);
    const bytes = Buffer.byteLength(body);
    const max = (this.nc.info?.max_payload ?? 1024 * 1024) - HEADER_ROOM_BYTES;
    if (bytes <= max) {
      try {
        return await js.publish(Subjects.event(e.type), body, { msgID: e.eventId, headers: toHeaders(e) });
      } catch (err) {
        // only a size refusal is this event's own fault; anything else retries the cycle
        if (!/max.?payload|message size|too large|maximum/i.test(`${(err as Error).message} ${(err as { code?: string }).code ?? ''}`)) throw err;
        return this.publishStandIn(js, e, bytes, err);
      }
    }
    return this.publishStandIn(js, e, bytes, null);
  }

  private async publishStandIn(js: JetStreamClient, e: StoredEvent, bytes: number, cause: unknown) {
    let standIn = bodyOmittedStandIn(e, bytes);
    // the metadata is capped on append; this guards against rows written before the cap
    if (Buffer.byteLength(JSON.stringify(standIn)) > Limits.EVENT_METADATA_MAX_BYTES * 4) standIn = { ...standIn, metadata: { ...standIn.metadata, reason: null } };
    const h = toHeaders(e);
    h.set(EventHeaders.bodyOmitted, String(bytes));
    this.log.warn('event too large for the bus; published a stand-in without its body', {
      eventId: e.eventId,
      type: e.type,
      streamId: e.streamId,
      streamPosition: e.streamPosition,
      bytes,
      error: cause ? (cause as Error).message : undefined,
    });
    this.standIns++;
    return js.publish(Subjects.event(e.type), JSON.stringify(standIn), { msgID: e.eventId, headers: h });
  }

  private async run(): Promise<void> {
    let js: JetStreamClient | null = null;
    let cp: Checkpoint | null = null;
    while (this.active) {
      try {
        if (!js || !cp) {
          js = jetstream(this.nc);
          cp = await this.store.readCheckpoint(CHECKPOINT);
          const head = await this.streamHead();
          if (head && compareCheckpoints(head, cp) > 0) {
            this.log.info('relay fast-forwards to the stream head', { from: cp, to: head });
            cp = head;
          }
          this.log.info('relay active', { checkpoint: cp });
        }
        if (!this.fence()) {
          await this.sleep(this.pollMs);
          continue;
        }
        const batch = await this.store.readAll(cp, this.batchSize);
        await this.lag.observe(cp, batch, this.batchSize);
        if (!batch.length || !this.fence()) {
          await this.sleep(this.pollMs);
          continue;
        }
        // published in order over one connection; acknowledged before the checkpoint moves
        const acks = await Promise.all(batch.map((e) => this.publish(js!, e)));
        const duplicates = acks.filter((a) => a.duplicate).length;
        cp = checkpointOf(batch[batch.length - 1]!);
        if (!this.fence()) continue; // a replica that lost the lease does not move the checkpoint another now owns
        await this.store.writeCheckpoint(CHECKPOINT, cp);
        this.lag.published(batch.length);
        this.published += batch.length - duplicates;
        this.log.debug('relayed events', { count: batch.length, duplicates, checkpoint: cp });
      } catch (err) {
        this.log.warn('relay cycle failed; retrying', { error: err });
        js = null;
        cp = null;
        await this.sleep(Math.max(this.pollMs, 500));
      }
    }
  }
}

/** Room left under max_payload for the headers and the subject. */
const HEADER_ROOM_BYTES = 8 * 1024;

function toHeaders(e: StoredEvent) {
  const h = headers();
  h.set(EventHeaders.type, e.type);
  h.set(EventHeaders.schemaVersion, String(e.schemaVersion));
  h.set(EventHeaders.streamId, e.streamId);
  h.set(EventHeaders.streamPosition, String(e.streamPosition));
  h.set(EventHeaders.globalPosition, e.globalPosition);
  h.set(EventHeaders.transactionId, e.transactionId);
  if (e.metadata.commandId) h.set(EventHeaders.commandId, e.metadata.commandId);
  h.set(EventHeaders.correlationId, e.metadata.correlationId);
  if (e.metadata.causationId) h.set(EventHeaders.causationId, e.metadata.causationId);
  h.set(EventHeaders.actor, `${e.metadata.actor.kind}:${e.metadata.actor.id}`);
  h.set(EventHeaders.occurredAt, e.metadata.occurredAt);
  return h;
}
