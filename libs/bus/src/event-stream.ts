import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { EVENT_STREAM, Subjects } from '@sacp/events';

/** Creates the SACP_EVENTS stream if it is missing. Its duplicate window backs the relay's exactly-once publishing. */
export async function ensureEventStream(nc: NatsConnection): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(EVENT_STREAM);
  } catch {
    await jsm.streams.add({
      name: EVENT_STREAM,
      subjects: [Subjects.eventWildcard],
      duplicate_window: nanos(60 * 60 * 1000),
      storage: 'file',
    });
  }
  return jsm;
}
