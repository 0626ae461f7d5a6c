import type { EntityManager } from 'typeorm';
import { inTransaction } from '../database/transaction';
import { START, checkpointOf, type Checkpoint } from '../event-store.port';
import type { PgEventStore } from '../postgres/pg-event-store';
import type { Projection } from './projection';

const PROJECTOR_LOCK = 'sacp-projector';
const CHECKPOINT = 'projections';
/** Lag is counted up to this many events: beyond it the figure only says "far behind", and counting costs. */
export const PROJECTOR_LAG_CAP = 1_000_000;

export interface ProjectorOptions {
  batchSize?: number;
  /** told after every batch and pass how many events each projection has still to apply (at most PROJECTOR_LAG_CAP) */
  onLag?: (projection: string, events: number) => void;
}

/**
 * Applies new events to every read model. Each batch, its read-model updates and the
 * checkpoint commit in one transaction, under a transaction-scoped advisory lock, so
 * replicas may all run it and redelivery changes nothing.
 */
export class Projector {
  private readonly batchSize: number;

  constructor(
    private readonly store: PgEventStore,
    private readonly projections: Projection[],
    private readonly options: ProjectorOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2000;
  }

  /** Applies everything committed so far; returns the number of events applied. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const { applied, checkpoint } = await this.inTransaction(async (tx) => {
        const cp = await this.store.readCheckpoint(CHECKPOINT, tx);
        return this.applyNext(tx, cp);
      });
      total += applied;
      await this.reportLag(checkpoint);
      if (applied < this.batchSize) return total;
    }
  }

  /** Empties every read model and rebuilds it from the first event, atomically: readers see the old or the new, never a half. */
  async rebuild(): Promise<{ events: number }> {
    const { events, checkpoint } = await this.inTransaction(async (tx) => {
      for (const p of this.projections) await p.clear(tx);
      let cp = START;
      let events = 0;
      for (;;) {
        const batch = await this.store.readAll(cp, this.batchSize, tx);
        if (!batch.length) break;
        for (const p of this.projections) await p.applyBatch(tx, batch);
        cp = checkpointOf(batch[batch.length - 1]!);
        events += batch.length;
      }
      await this.store.writeCheckpoint(CHECKPOINT, cp, tx);
      return { events, checkpoint: cp };
    });
    await this.reportLag(checkpoint);
    return { events };
  }

  private async applyNext(tx: EntityManager, cp: Checkpoint): Promise<{ applied: number; checkpoint: Checkpoint }> {
    const batch = await this.store.readAll(cp, this.batchSize, tx);
    if (!batch.length) return { applied: 0, checkpoint: cp };
    for (const p of this.projections) await p.applyBatch(tx, batch);
    const next = checkpointOf(batch[batch.length - 1]!);
    await this.store.writeCheckpoint(CHECKPOINT, next, tx);
    return { applied: batch.length, checkpoint: next };
  }

  /** Every projection shares the one checkpoint, so each has the same events still to apply. */
  private async reportLag(checkpoint: Checkpoint): Promise<void> {
    if (!this.options.onLag) return;
    const lag = await this.store.countAfter(checkpoint, PROJECTOR_LAG_CAP);
    for (const p of this.projections) this.options.onLag(p.name, lag);
  }

  private inTransaction<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return inTransaction(this.store.dataSource, async (tx) => {
      await tx.query('select pg_advisory_xact_lock(hashtext($1))', [PROJECTOR_LOCK]);
      return fn(tx);
    });
  }
}
