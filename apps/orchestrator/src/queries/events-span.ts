import { type EventStore, START } from '@sacp/event-store';
import type { EventsSpanView } from '@sacp/events';

/** The first event in commit order: where "the fleet as it was" can start. */
export async function readEventsSpan(store: EventStore): Promise<EventsSpanView> {
  const [first] = await store.readAll(START, 1);
  return { first: first ? { at: first.recordedAt, globalPosition: first.globalPosition } : null };
}
