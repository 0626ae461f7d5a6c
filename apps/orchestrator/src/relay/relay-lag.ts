import { Injectable } from '@nestjs/common';
import { EventStore, type Checkpoint } from '@sacp/event-store';
import type { StoredEvent } from '@sacp/events';
import { Metrics } from '@sacp/platform';

/** A count of the whole tail is a scan of it: while the relay is far behind, it is taken at most this often, and stops at a cap. */
const COUNT_EVERY_MS = 1000;
const COUNT_CAP = 1_000_000;

/**
 * How far the relay is behind the event store: `sacp_relay_lag_events` (events
 * committed, not yet published) and `sacp_relay_lag_seconds` (age of the oldest of
 * them). What the relay reads tells both while it is within one batch of the head;
 * beyond that the tail is counted.
 */
@Injectable()
export class RelayLag {
  private behind = 0;
  private countedAt = 0;

  constructor(private readonly store: EventStore) {}

  /** The relay read `batch` (at most `batchSize` events) after checkpoint `cp`. */
  async observe(cp: Checkpoint, batch: StoredEvent[], batchSize: number): Promise<void> {
    const oldest = batch[0];
    Metrics.relayLagSeconds.set(oldest ? Math.max(0, (Date.now() - Date.parse(oldest.recordedAt)) / 1000) : 0);
    if (batch.length < batchSize) this.behind = batch.length;
    else if (Date.now() - this.countedAt >= COUNT_EVERY_MS) {
      this.countedAt = Date.now();
      this.behind = await this.countAfter(cp);
    } else this.behind = Math.max(this.behind, batch.length);
    Metrics.relayLagEvents.set(this.behind);
  }

  /** `n` events were published and the checkpoint moved past them. */
  published(n: number): void {
    this.behind = Math.max(0, this.behind - n);
    Metrics.relayLagEvents.set(this.behind);
    if (!this.behind) Metrics.relayLagSeconds.set(0);
  }

  /** Not the leader: this replica relays nothing, so it reports no lag. */
  clear(): void {
    this.behind = 0;
    Metrics.relayLagEvents.set(0);
    Metrics.relayLagSeconds.set(0);
  }

  private countAfter(cp: Checkpoint): Promise<number> {
    return this.store.countAfter(cp, COUNT_CAP);
  }
}
