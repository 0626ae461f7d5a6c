import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '@sacp/events';
import { CommandIdReusedError, ConcurrencyError, START, checkpointOf, type Checkpoint, type CommandRecord, type EventStore } from '@sacp/event-store';
import { metadata, testEvent } from './event-store';
import { waitFor } from './ports';

export interface ContractSubject {
  store: EventStore;
  close: () => Promise<void>;
}

const command = (commandId: string, over: Partial<CommandRecord> = {}): CommandRecord => ({
  commandId,
  commandType: 'test.do',
  payloadHash: 'hash-1',
  actorKind: 'cli',
  buildReply: (events) => ({ ok: true, first: events[0]?.eventId ?? null }),
  ...over,
});

const numbers = (events: StoredEvent[]) => events.map((e) => (e.data as { n: number }).n);

/**
 * What every EventStore implementation guarantees, run against each of them
 * (PgEventStore on real Postgres, InMemoryEventStore): one suite, so the twin cannot
 * drift from the store it stands in for.
 */
export function eventStoreContract(name: string, open: () => Promise<ContractSubject>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let close: () => Promise<void>;
    beforeAll(async () => ({ store, close } = await open()));
    afterAll(async () => close());

    /** Postgres shows a commit to commit-order readers once no older transaction runs anywhere on the server (other test files may hold one). */
    const readAllAtLeast = (from: Checkpoint, n: number, limit = 1000) =>
      waitFor(`${n} events after ${from.transactionId}/${from.globalPosition} in commit order`, async () => {
        const events = await store.readAll(from, limit);
        return events.length >= n && events;
      });

    test('an append stores its events at the next stream positions and returns them as stored', async () => {
      const s = `s-${randomUUID()}`;
      const first = await store.append([{ streamId: s, expectedVersion: 0, events: [testEvent(1), testEvent(2)] }], metadata({ reason: 'because' }));
      assert.equal(first.duplicate, false);
      const second = await store.append([{ streamId: s, expectedVersion: 2, events: [testEvent(3)] }], metadata());
      assert.ok(!first.duplicate && !second.duplicate);
      const stream = await store.readStream(s);
      assert.deepEqual([...first.events, ...second.events], stream, 'what append returns is what a read returns');
      assert.deepEqual(
        stream.map((e) => [e.streamPosition, e.type, e.schemaVersion, (e.data as { n: number }).n, e.metadata.reason]),
        [
          [1, 'test.happened', 1, 1, 'because'],
          [2, 'test.happened', 1, 2, 'because'],
          [3, 'test.happened', 1, 3, null],
        ],
      );
      assert.equal(new Set(stream.map((e) => e.eventId)).size, 3);
      assert.equal(await store.streamVersion(s), 3);
      assert.equal(await store.streamVersion(`s-${randomUUID()}`), 0, 'a stream never written is at version 0');
      assert.deepEqual(await store.readStream(`s-${randomUUID()}`), []);
    });

    test('an append that expects a stale or future version is a typed conflict, and stream positions have no gaps', async () => {
      const s = `occ-${randomUUID()}`;
      await store.append([{ streamId: s, expectedVersion: 0, events: [testEvent(1), testEvent(2)] }], metadata());
      await assert.rejects(
        store.append([{ streamId: s, expectedVersion: 1, events: [testEvent(3)] }], metadata()),
        (err: unknown) => err instanceof ConcurrencyError && err.code === 'STORE.CONFLICT' && err.streamId === s && err.expectedVersion === 1 && err.actualVersion === 2,
      );
      await assert.rejects(store.append([{ streamId: s, expectedVersion: 0, events: [testEvent(3)] }], metadata()), ConcurrencyError);
      await assert.rejects(store.append([{ streamId: s, expectedVersion: 5, events: [testEvent(3)] }], metadata()), ConcurrencyError);
      await store.append([{ streamId: s, expectedVersion: 2, events: [testEvent(3)] }], metadata());
      assert.deepEqual(
        (await store.readStream(s)).map((e) => e.streamPosition),
        [1, 2, 3],
      );
    });

    test('of 10 concurrent appends expecting the same version exactly one wins', async () => {
      const s = `race-${randomUUID()}`;
      await store.append([{ streamId: s, expectedVersion: 0, events: [testEvent(0)] }], metadata());
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.append([{ streamId: s, expectedVersion: 1, events: [testEvent(i + 1)] }], metadata())));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      assert.ok(results.every((r) => r.status === 'fulfilled' || r.reason instanceof ConcurrencyError));
      assert.deepEqual(
        (await store.readStream(s)).map((e) => e.streamPosition),
        [1, 2],
      );
    });

    test('a multi-stream append is atomic: one conflicting stream leaves every stream as it was', async () => {
      const [a, b] = [`a-${randomUUID()}`, `b-${randomUUID()}`];
      await store.append([{ streamId: b, expectedVersion: 0, events: [testEvent(1)] }], metadata());
      await assert.rejects(
        store.append(
          [
            { streamId: a, expectedVersion: 0, events: [testEvent(1)] },
            { streamId: b, expectedVersion: 0, events: [testEvent(2)] },
          ],
          metadata(),
        ),
        ConcurrencyError,
      );
      assert.deepEqual(await store.readStream(a), []);
      assert.equal(await store.streamVersion(a), 0);
      assert.deepEqual(numbers(await store.readStream(b)), [1]);
    });

    test('an event whose data breaks its contract is refused before anything is written', async () => {
      const s = `agent-${randomUUID()}`;
      await assert.rejects(
        store.append([{ streamId: s, expectedVersion: 0, events: [{ type: 'agent.stop_requested', schemaVersion: 1, data: { agent: 'x' } }] }], metadata(), command(randomUUID())),
        /refusing to store an event that breaks its contract: agent\.stop_requested: agentId/,
      );
      assert.equal(await store.streamVersion(s), 0);
    });

    test('the same command id, sequentially or concurrently, gives one set of events and the first reply', async () => {
      const s = `idem-${randomUUID()}`;
      const id = randomUUID();
      let n = 0;
      const send = () => store.append([{ streamId: s, expectedVersion: 0, events: [testEvent(++n)] }], metadata({ commandId: id }), command(id));
      const [a, b] = await Promise.all([send(), send()]);
      const c = await send();
      const firsts = [a, b, c].map((r) => (r.reply as { first: string }).first);
      assert.equal(new Set(firsts).size, 1, 'every reply names the same first event');
      assert.deepEqual([a, b, c].map((r) => r.duplicate).sort(), [false, true, true]);
      assert.equal((await store.readStream(s)).length, 1);
      const seen = await store.findCommand(id);
      assert.deepEqual(seen && { ...seen, recordedAt: typeof seen.recordedAt }, {
        outcome: 'accepted',
        reply: { ok: true, first: firsts[0] },
        commandType: 'test.do',
        payloadHash: 'hash-1',
        actorKind: 'cli',
        recordedAt: 'string',
      });
      assert.equal(await store.findCommand(randomUUID()), null);
    });

    test('a duplicate is answered even when its stream moved on since the first outcome', async () => {
      const s = `moved-${randomUUID()}`;
      const id = randomUUID();
      const first = await store.append([{ streamId: s, expectedVersion: 0, events: [testEvent(1)] }], metadata(), command(id));
      await store.append([{ streamId: s, expectedVersion: 1, events: [testEvent(2)] }], metadata());
      const again = await store.append([{ streamId: s, expectedVersion: 0, events: [testEvent(1)] }], metadata(), command(id));
      assert.deepEqual(again, { duplicate: true, reply: first.reply });
      assert.deepEqual(numbers(await store.readStream(s)), [1, 2]);
    });

    test('a command id reused by another command (COMMAND.ID_REUSED) is refused, by type, payload or sender, and nothing is appended', async () => {
      const s = `reuse-${randomUUID()}`;
      const id = randomUUID();
      await store.append([{ streamId: s, expectedVersion: 0, events: [testEvent(1)] }], metadata(), command(id));
      for (const [over, mismatch] of [
        [{ commandType: 'test.other' }, 'type'],
        [{ payloadHash: 'hash-2' }, 'payload'],
        [{ actorKind: 'discord' }, 'actor'],
      ] as const)
        await assert.rejects(
          store.append([{ streamId: s, expectedVersion: 1, events: [testEvent(2)] }], metadata(), command(id, over)),
          (err: unknown) => err instanceof CommandIdReusedError && err.code === 'COMMAND.ID_REUSED' && err.mismatch === mismatch && err.first.commandType === 'test.do',
        );
      assert.deepEqual(numbers(await store.readStream(s)), [1]);
    });

    test('a command recorded without a payload hash or sender kind is bound by its type alone', async () => {
      const s = `unbound-${randomUUID()}`;
      const id = randomUUID();
      const first = await store.append([{ streamId: s, expectedVersion: 0, events: [testEvent(1)] }], metadata(), command(id, { payloadHash: null, actorKind: null }));
      const again = await store.append([{ streamId: s, expectedVersion: 1, events: [testEvent(2)] }], metadata(), command(id, { payloadHash: 'any', actorKind: 'discord' }));
      assert.deepEqual(again, { duplicate: true, reply: first.reply });
      await assert.rejects(
        store.append([{ streamId: s, expectedVersion: 1, events: [testEvent(2)] }], metadata(), command(id, { commandType: 'test.other' })),
        CommandIdReusedError,
      );
    });

    test("a rejection is the command's outcome: its duplicate is rejected the same way, and the id stays bound", async () => {
      const s = `rejected-${randomUUID()}`;
      const id = randomUUID();
      const binding = { commandType: 'test.do', payloadHash: 'hash-1', actorKind: 'cli' };
      assert.deepEqual(await store.recordRejection(id, binding, { ok: false, n: 1 }), { first: true, reply: { ok: false, n: 1 } });
      assert.deepEqual(await store.recordRejection(id, binding, { ok: false, n: 2 }), { first: false, reply: { ok: false, n: 1 } });
      assert.deepEqual(await store.append([{ streamId: s, expectedVersion: 0, events: [testEvent(1)] }], metadata(), command(id)), {
        duplicate: true,
        reply: { ok: false, n: 1 },
      });
      assert.equal(await store.streamVersion(s), 0, 'a rejected command appends nothing, even retried');
      assert.equal((await store.findCommand(id))?.outcome, 'rejected');
      await assert.rejects(store.recordRejection(id, { ...binding, commandType: 'test.other' }, { ok: false }), CommandIdReusedError);
    });

    test('readAll walks every committed event once, in one global order, from any checkpoint and in pages', async () => {
      // a marker: once a commit-order reader sees it, it has seen everything appended before it
      const s = `order-${randomUUID()}`;
      const marker = await store.append([{ streamId: `${s}-marker`, expectedVersion: 0, events: [testEvent(0)] }], metadata());
      const markerId = !marker.duplicate && marker.events[0]!.eventId;
      const upToMarker = await waitFor('the marker in commit order', async () => {
        const events = await store.readAll(START, 100_000);
        return events.some((e) => e.eventId === markerId) && events;
      });
      const from = checkpointOf(upToMarker.find((e) => e.eventId === markerId)!);
      for (let i = 1; i <= 5; i++)
        await store.append(
          [
            { streamId: `${s}-x`, expectedVersion: i - 1, events: [testEvent(i * 10)] },
            { streamId: `${s}-y`, expectedVersion: i - 1, events: [testEvent(i * 10 + 1)] },
          ],
          metadata(),
        );
      const all = await readAllAtLeast(from, 10);
      assert.deepEqual(numbers(all), [10, 11, 20, 21, 30, 31, 40, 41, 50, 51], 'in the order they were appended');
      assert.deepEqual(
        all.map((e) => BigInt(e.globalPosition)),
        all.map((e) => BigInt(e.globalPosition)).sort((a, b) => (a < b ? -1 : 1)),
      );
      assert.equal(all[0]!.transactionId, all[1]!.transactionId, 'events of one append share its transaction');
      // resuming from any event's checkpoint gives exactly what follows it
      for (let k = 0; k < all.length; k++) assert.deepEqual(numbers(await store.readAll(checkpointOf(all[k]!), 1000)), numbers(all.slice(k + 1)));
      // pages of 3 add up to the whole walk
      const paged: StoredEvent[] = [];
      let cp = from;
      for (;;) {
        const page = await store.readAll(cp, 3);
        if (!page.length) break;
        assert.ok(page.length <= 3);
        paged.push(...page);
        cp = checkpointOf(page.at(-1)!);
      }
      assert.deepEqual(paged, all);
    });

    test('a stream reads by position range, and streams by id prefix, in global order', async () => {
      const s = `range-${randomUUID()}`;
      await store.append([{ streamId: s, expectedVersion: 0, events: Array.from({ length: 10 }, (_, i) => testEvent(i + 1)) }], metadata());
      assert.deepEqual(numbers(await store.readStreamRange(s, 3, 7, 100)), [3, 4, 5, 6, 7]);
      assert.deepEqual(numbers(await store.readStreamRange(s, 3, 7, 2)), [3, 4]);
      assert.deepEqual(await store.readStreamRange(s, 11, 20, 10), []);

      const prefix = `pfx-${randomUUID().slice(0, 8)}-`;
      await store.append([{ streamId: `${prefix}b`, expectedVersion: 0, events: [testEvent(1)] }], metadata());
      await store.append([{ streamId: `${prefix}a`, expectedVersion: 0, events: [testEvent(2)] }], metadata());
      await store.append([{ streamId: `${prefix}b`, expectedVersion: 1, events: [testEvent(3)] }], metadata());
      await store.append([{ streamId: `x${prefix}c`, expectedVersion: 0, events: [testEvent(4)] }], metadata());
      assert.deepEqual(numbers(await store.readStreamsByPrefix(prefix, 10)), [1, 2, 3]);
      assert.deepEqual(numbers(await store.readStreamsByPrefix(prefix, 1)), [2], 'the first streams by id');
      assert.deepEqual(await store.readStreamsByPrefix(`${prefix}%`, 10), [], 'the prefix is text, not a pattern');
    });

    test('checkpoints start at the beginning, and keep what was written last', async () => {
      const name = `reader-${randomUUID()}`;
      assert.deepEqual(await store.readCheckpoint(name), START);
      await store.writeCheckpoint(name, { transactionId: '1234', globalPosition: '56' });
      await store.writeCheckpoint(name, { transactionId: '1240', globalPosition: '60' });
      assert.deepEqual(await store.readCheckpoint(name), { transactionId: '1240', globalPosition: '60' });
    });

    test('the store has one identity, and listeners hear of each committed append, not of a refused one', async () => {
      const id = await store.storeId();
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(await store.storeId(), id);
      const heard: string[][] = [];
      const stop = store.onAppend((ids) => heard.push(ids));
      const s = `heard-${randomUUID()}`;
      await store.append(
        [
          { streamId: s, expectedVersion: 0, events: [testEvent(1), testEvent(2)] },
          { streamId: `${s}-2`, expectedVersion: 0, events: [testEvent(3)] },
        ],
        metadata(),
      );
      await assert.rejects(store.append([{ streamId: s, expectedVersion: 0, events: [testEvent(4)] }], metadata()), ConcurrencyError);
      stop();
      await store.append([{ streamId: s, expectedVersion: 2, events: [testEvent(5)] }], metadata());
      assert.deepEqual(heard, [[s, `${s}-2`]]);
    });
  });
}
