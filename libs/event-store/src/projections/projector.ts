import type { Pool, PoolClient } from 'pg';
import type { PgEventStore } from '../pg-event-store';
import { START, checkpointOf } from '../pg-event-store';
import type { Projection } from './projection';
import { inTransaction } from '../with-client';

const PROJECTOR_LOCK = 'sacp-projector';
const CHECKPOINT = 'projections';

/**
 * Applies new events to every read model. Each batch, its read-model updates and the
 * checkpoint commit in one transaction, under a transaction-scoped advisory lock, so
 * replicas may all run it and redelivery changes nothing.
 */
export class Projector {
  constructor(
    private readonly pool: Pool,
    private readonly store: PgEventStore,
    private readonly projections: Projection[],
    private readonly batchSize = 2000,
  ) {}

  /** Applies everything committed so far; returns the number of events applied. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.inTransaction(async (client) => {
        const cp = await this.store.readCheckpoint(CHECKPOINT, client);
        return this.applyNext(client, cp);
      });
      total += n;
      if (n < this.batchSize) return total;
    }
  }

  /** Empties every read model and rebuilds it from the first event, atomically: readers see the old or the new, never a half. */
  async rebuild(): Promise<{ events: number }> {
    return this.inTransaction(async (client) => {
      for (const p of this.projections) for (const t of p.tables) await client.query(`delete from ${t}`);
      let cp = START;
      let events = 0;
      for (;;) {
        const batch = await this.store.readAll(cp, this.batchSize, client);
        if (!batch.length) break;
        for (const p of this.projections) await p.applyBatch(client, batch);
        cp = checkpointOf(batch[batch.length - 1]!);
        events += batch.length;
      }
      await this.store.writeCheckpoint(CHECKPOINT, cp, client);
      return { events };
    });
  }

  private async applyNext(client: PoolClient, cp: typeof START): Promise<number> {
    const batch = await this.store.readAll(cp, this.batchSize, client);
    if (!batch.length) return 0;
    for (const p of this.projections) await p.applyBatch(client, batch);
    await this.store.writeCheckpoint(CHECKPOINT, checkpointOf(batch[batch.length - 1]!), client);
    return batch.length;
  }

  private inTransaction<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, async (client) => {
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [PROJECTOR_LOCK]);
      return fn(client);
    });
  }
}
