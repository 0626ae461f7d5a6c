import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { jetstreamManager } from '@nats-io/jetstream';
import { PgEventStore } from '@sacp/event-store';
import { EVENT_STREAM } from '@sacp/events';
import { TestControlPlane } from '../../support/control-plane';
import { metadata, testEvent } from '../../support/event-store';
import { waitFor } from '../../support/ports';

describe('outbox relay to JetStream (real orchestrator killed mid-stream)', () => {
  const cp = new TestControlPlane();
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => cp.stop());

  test('every event reaches SACP_EVENTS exactly once, in order, with message id = event id, across a SIGKILL of the relay', async () => {
    const store = new PgEventStore(cp.pool);
    const TOTAL = 3000;
    let written = 0;
    const writer = (async () => {
      while (written < TOTAL) {
        const batch = Array.from({ length: 25 }, (_, i) => testEvent(written + i));
        await store.append([{ streamId: `relay-${written % 7}`, expectedVersion: await store.streamVersion(`relay-${written % 7}`), events: batch }], metadata());
        written += batch.length;
      }
    })();

    // reading messages back by sequence is JetStream administration: the orchestrator's credential has it
    const admin = await cp.connectAs('orchestrator');
    const jsm = await jetstreamManager(admin);
    const published = async () => (await jsm.streams.info(EVENT_STREAM).catch(() => null))?.state.messages ?? 0;
    await waitFor('the relay to be under way', async () => (await published()) > 300, 30_000, 20);
    await cp.orchestrators[0]!.kill('SIGKILL');
    const atKill = await published();
    await cp.addOrchestrator();
    await writer;

    const { rows } = await cp.pool.query<{ event_id: string }>('select event_id from events order by transaction_id, global_position');
    await waitFor('every event to be published', async () => (await published()) >= rows.length, 60_000);
    assert.ok(atKill < rows.length, `the relay was killed mid-stream (${atKill} of ${rows.length} published)`);

    const info = await jsm.streams.info(EVENT_STREAM);
    assert.equal(info.state.messages, rows.length, 'no duplicates in the stream');
    const ids: string[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(EVENT_STREAM, { seq });
      ids.push(m!.header.get('Nats-Msg-Id'));
      if (seq === info.state.first_seq) {
        const body = m!.json<{ eventId: string; metadata: { actor: { id: string } } }>();
        assert.equal(body.eventId, ids[0]);
        assert.ok(m!.subject.startsWith('sacp.evt.'));
      }
    }
    assert.deepEqual(
      ids,
      rows.map((r) => r.event_id),
      'the stream holds every event once, in commit order',
    );
    await admin.close();
  });
});
