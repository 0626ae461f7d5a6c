import type { EventMetadata } from './metadata';
import { EventContracts, type EventDataMap, type EventType } from './events';

/** An event as stored in the `events` table and published on JetStream. */
export interface StoredEvent<T extends string = string, D = unknown> {
  eventId: string;
  type: T;
  schemaVersion: number;
  streamId: string;
  streamPosition: number;
  /** position in the global log (a Postgres identity, gaps possible) */
  globalPosition: string;
  /** the writing transaction id; together with globalPosition it gives the commit-safe order */
  transactionId: string;
  data: D;
  metadata: EventMetadata;
  recordedAt: string;
}

/** The data of one event type, as its current contract defines it. */
export type EventData<K extends EventType> = EventDataMap[K];

export type KnownEvent = { [K in EventType]: StoredEvent<K, EventDataMap[K]> }[EventType];

/** An event the domain decided on, before the store gives it positions. */
export interface NewEvent<T extends string = string, D = unknown> {
  type: T;
  schemaVersion: number;
  data: D;
}
export type NewKnownEvent = { [K in EventType]: NewEvent<K, EventDataMap[K]> }[EventType];

/**
 * A new event of a known type: the data must be that type's data, and the schema
 * version is the one its current contract writes. The one way writers build events.
 */
export function newEvent<K extends EventType>(type: K, data: EventData<K>): NewEvent<K, EventData<K>> {
  return { type, schemaVersion: EventContracts[type].version, data };
}

/**
 * Narrows a stored event to one known type, checking the type and the schema version
 * (an older version's data has another shape). The data is trusted as the store holds
 * what the writer validated; nothing is parsed again.
 */
export function isEventOf<K extends EventType>(e: Pick<StoredEvent, 'type' | 'schemaVersion'>, type: K): e is StoredEvent<K, EventData<K>> {
  return e.type === type && e.schemaVersion === EventContracts[type].version;
}

/** JetStream headers carried by every published event. */
export const EventHeaders = {
  eventId: 'Nats-Msg-Id',
  type: 'Sacp-Event-Type',
  schemaVersion: 'Sacp-Schema-Version',
  streamId: 'Sacp-Stream-Id',
  streamPosition: 'Sacp-Stream-Position',
  globalPosition: 'Sacp-Global-Position',
  transactionId: 'Sacp-Transaction-Id',
  commandId: 'Sacp-Command-Id',
  correlationId: 'Sacp-Correlation-Id',
  causationId: 'Sacp-Causation-Id',
  actor: 'Sacp-Actor',
  occurredAt: 'Sacp-Occurred-At',
  /** set on a stand-in the relay published instead of an event too large for the bus: the event's size in bytes */
  bodyOmitted: 'Sacp-Body-Omitted',
} as const;

/**
 * What the relay publishes in place of an event too large for the bus: the event's
 * ids, type and metadata, `data: null`, and where to read the body. Marked with the
 * Sacp-Body-Omitted header; a reader that needs the data reads it from the store
 * (`sacp history`, the agent.history query).
 */
export function bodyOmittedStandIn(e: StoredEvent, bytes: number): StoredEvent & { bodyOmitted: { bytes: number; note: string } } {
  return {
    ...e,
    data: null,
    bodyOmitted: { bytes, note: `this event is ${bytes} bytes, more than the bus carries; its body is in the event store (stream ${e.streamId} position ${e.streamPosition})` },
  };
}
