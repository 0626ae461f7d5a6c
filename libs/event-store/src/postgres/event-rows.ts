import type { EventMetadata, StoredEvent } from '@sacp/events';

/** An events row as the hand-written readers select it. */
export interface EventRow {
  global_position: string;
  stream_id: string;
  stream_position: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
  transaction_id: string;
}

/**
 * The columns every reader selects. The alias `transaction_id::text as transaction_id`
 * shadows the column in ORDER BY, so commit-order queries qualify it
 * (`events.transaction_id`) to sort by the xid8, not its text.
 */
export const EVENT_COLUMNS = 'global_position, stream_id, stream_position, event_id, type, schema_version, data, metadata, recorded_at, transaction_id::text as transaction_id';

export function toStoredEvent(r: EventRow): StoredEvent {
  return {
    eventId: r.event_id,
    type: r.type,
    schemaVersion: r.schema_version,
    streamId: r.stream_id,
    streamPosition: r.stream_position,
    globalPosition: String(r.global_position),
    transactionId: String(r.transaction_id),
    data: r.data,
    metadata: r.metadata,
    recordedAt: r.recorded_at.toISOString(),
  };
}
