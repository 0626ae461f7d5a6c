import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@sacp/events';

/** A read model fed from the events table, batch by batch, inside the projector's transaction. */
export interface Projection {
  name: string;
  /** empties the read model, in the rebuild's transaction */
  clear(tx: EntityManager): Promise<void>;
  applyBatch(tx: EntityManager, events: StoredEvent[]): Promise<void>;
}
