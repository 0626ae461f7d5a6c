import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { ConcurrencyError, type PgEventStore } from '@sacp/event-store';
import type { Pool } from 'pg';
import { metadata, testEvent, testEventStore } from '../../support/event-store';

describe('event store guarantees (real Postgres)', () => {
  let ownerPool: Pool;
  let store: PgEventStore;
  let close: () => Promise<void>;
  beforeAll(async () => ({ ownerPool, store, close } = await testEventStore()));
  afterAll(async () => close());

  // The services' role has no such privilege at all (database-roles.test.ts); the triggers hold even for the owner.
  test('UPDATE, DELETE and TRUNCATE on the events table are refused by the database, even to its owner', async () => {
    await store.append([{ streamId: 's-immutable', expectedVersion: 0, events: [testEvent(1)] }], metadata());
    await assert.rejects(ownerPool.query(`update events set data = '{}'::jsonb`), /events table is append-only: UPDATE is not allowed/);
    await assert.rejects(ownerPool.query('delete from events'), /events table is append-only: DELETE is not allowed/);
    await assert.rejects(ownerPool.query('truncate events'), /events table is append-only: TRUNCATE is not allowed/);
    await ownerPool.query("insert into command_audit (outcome) values ('accepted')");
    await assert.rejects(ownerPool.query('delete from command_audit'), /command_audit table is append-only: DELETE is not allowed/);
    const { rows } = await ownerPool.query("select count(*)::int as n from events where stream_id = 's-immutable'");
    assert.equal(rows[0].n, 1);
  });

  test('an append that expects a stale version is a typed conflict, and positions have no gaps', async () => {
    await store.append([{ streamId: 's-occ', expectedVersion: 0, events: [testEvent(1), testEvent(2)] }], metadata());
    await assert.rejects(
      store.append([{ streamId: 's-occ', expectedVersion: 1, events: [testEvent(3)] }], metadata()),
      (err: unknown) => err instanceof ConcurrencyError && err.streamId === 's-occ' && err.expectedVersion === 1 && err.actualVersion === 2,
    );
    await assert.rejects(store.append([{ streamId: 's-occ', expectedVersion: 5, events: [testEvent(3)] }], metadata()), ConcurrencyError);
    await store.append([{ streamId: 's-occ', expectedVersion: 2, events: [testEvent(3)] }], metadata());
    assert.deepEqual(
      (await store.readStream('s-occ')).map((e) => e.streamPosition),
      [1, 2, 3],
    );
  });

  test('of 10 concurrent appends expecting the same version exactly one wins', async () => {
    await store.append([{ streamId: 's-race', expectedVersion: 0, events: [testEvent(0)] }], metadata());
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.append([{ streamId: 's-race', expectedVersion: 1, events: [testEvent(i)] }], metadata())));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.ok(results.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof ConcurrencyError));
    assert.deepEqual(
      (await store.readStream('s-race')).map((e) => e.streamPosition),
      [1, 2],
    );
  });

  test('a multi-stream append is atomic: one conflicting stream leaves the others untouched', async () => {
    await store.append([{ streamId: 's-b', expectedVersion: 0, events: [testEvent(1)] }], metadata());
    await assert.rejects(
      store.append(
        [
          { streamId: 's-a', expectedVersion: 0, events: [testEvent(1)] },
          { streamId: 's-b', expectedVersion: 0, events: [testEvent(2)] },
        ],
        metadata(),
      ),
      ConcurrencyError,
    );
    assert.deepEqual(await store.readStream('s-a'), []);
    assert.equal(await store.streamVersion('s-a'), 0);
  });

  test('an event whose data breaks its contract is refused before anything is written', async () => {
    await assert.rejects(
      store.append([{ streamId: 'agent-x', expectedVersion: 0, events: [{ type: 'agent.stop_requested', schemaVersion: 1, data: { agent: 'x' } }] }], metadata()),
      /refusing to store an event that breaks its contract: agent\.stop_requested: agentId/,
    );
    assert.equal(await store.streamVersion('agent-x'), 0);
  });

  test('the same command id, sequentially or concurrently, gives one set of events and the first reply', async () => {
    let n = 0;
    const send = () =>
      store.append([{ streamId: 's-idem', expectedVersion: 0, events: [testEvent(++n)] }], metadata({ commandId: 'cmd-1' }), {
        commandId: 'cmd-1',
        commandType: 'test.do',
        buildReply: (events) => ({ ok: true, first: events[0]!.eventId }),
      });
    const [a, b] = await Promise.all([send(), send()]);
    const c = await send();
    const firsts = [a, b, c].map((r) => (r.reply as { first: string }).first);
    assert.equal(new Set(firsts).size, 1, 'every reply names the same first event');
    assert.deepEqual([a, b, c].map((r) => r.duplicate).sort(), [false, true, true]);
    assert.equal((await store.readStream('s-idem')).length, 1);
  });
});
