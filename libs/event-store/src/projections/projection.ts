import type { PoolClient } from 'pg';
import type { StoredEvent } from '@sacp/events';

/** A read model fed from the events table, batch by batch, inside the projector's transaction. */
export interface Projection {
  name: string;
  /** tables this projection owns; emptied before a rebuild */
  tables: string[];
  applyBatch(client: PoolClient, events: StoredEvent[]): Promise<void>;
}
