import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Pool } from 'pg';
import { checkpointOf, START, type PgEventStore, type Checkpoint } from '@sacp/event-store';
import { metadata, testEvent, testEventStore } from '../../support/event-store';

class Rollback extends Error {}

describe('gap-safe global order (real Postgres, concurrent writers)', () => {
  let pool: Pool;
  let ownerPool: Pool;
  let store: PgEventStore;
  let close: () => Promise<void>;
  beforeAll(async () => ({ pool, ownerPool, store, close } = await testEventStore()));
  afterAll(async () => close());

  test('with 8 writers, stalled and rolled-back transactions, the reader sees every committed event once, in order', async () => {
    const WRITERS = 8;
    const PER_WRITER = 40;
    let writing = true;
    const committed = new Set<string>();
    const rolledBack = new Set<number>();

    const writer = async (w: number) => {
      for (let i = 0; i < PER_WRITER; i++) {
        const n = w * 1000 + i;
        const stall = i % 7 === 3; // holds its position uncommitted while others commit after it
        const abort = i % 11 === 5;
        try {
          const r = await store.append([{ streamId: `w-${w}`, expectedVersion: await store.streamVersion(`w-${w}`), events: [testEvent(n)] }], metadata(), undefined, async (c) => {
            if (stall) await c.query('select pg_sleep(0.15)');
            if (abort) throw new Rollback();
          });
          if (!r.duplicate) for (const e of r.events) committed.add(e.eventId);
        } catch (err) {
          if (!(err instanceof Rollback)) throw err;
          rolledBack.add(n);
        }
      }
    };

    // the gap-safe reader under test, and a naive "position > last" reader for comparison
    const seen: string[] = [];
    const order: Checkpoint[] = [];
    let naiveLast = 0n;
    const naiveSeen = new Set<string>();
    const reader = async () => {
      let cp = START;
      for (;;) {
        const done = !writing;
        const batch = await store.readAll(cp, 50);
        for (const e of batch) {
          seen.push(e.eventId);
          order.push(checkpointOf(e));
        }
        if (batch.length) cp = checkpointOf(batch[batch.length - 1]!);
        const { rows } = await pool.query<{ event_id: string; global_position: string }>(
          'select event_id, global_position from events where global_position > $1 order by global_position',
          [String(naiveLast)],
        );
        for (const r of rows) naiveSeen.add(r.event_id);
        if (rows.length) naiveLast = BigInt(rows[rows.length - 1]!.global_position);
        if (done && !batch.length) return;
        await new Promise((r) => setTimeout(r, 5));
      }
    };

    const readerDone = reader();
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    writing = false;
    await readerDone;

    assert.ok(rolledBack.size > 0, 'some transactions rolled back');
    assert.equal(seen.length, committed.size, 'every committed event seen once');
    assert.equal(new Set(seen).size, seen.length, 'no event seen twice');
    assert.deepEqual(new Set(seen), committed, 'exactly the committed events, none rolled back');
    for (let i = 1; i < order.length; i++) {
      const a = order[i - 1]!;
      const b = order[i]!;
      const ok = BigInt(a.transactionId) < BigInt(b.transactionId) || (a.transactionId === b.transactionId && BigInt(a.globalPosition) < BigInt(b.globalPosition));
      assert.ok(ok, `order broken at ${i}: ${JSON.stringify(a)} then ${JSON.stringify(b)}`);
    }
    // the scenario really happened: a reader that trusts positions alone skipped late commits
    assert.ok(naiveSeen.size < committed.size, `the naive reader should have missed late commits (saw ${naiveSeen.size} of ${committed.size})`);
  });

  // The rows claim transaction ids on both sides of a power of ten, all older than the
  // oldest transaction still running, which is what the reader may see: nothing is
  // assumed about the cluster's history. On a brand-new cluster (about 3,000 ids used)
  // that is 999 → 1000; on a busier one 9999 → 10000 or further. Only the owner may
  // write a transaction id: the services' role inserts events without one.
  test('transaction ids are ordered as numbers, not text, where they gain a digit (999 → 1000, 9999 → 10000, ...)', async () => {
    const { rows } = await ownerPool.query<{ xmin: string }>('select pg_snapshot_xmin(pg_current_snapshot())::text as xmin');
    const xmin = BigInt(rows[0]!.xmin);
    let boundary = 10n;
    while (boundary * 10n + 1n < xmin) boundary *= 10n;
    assert.ok(boundary >= 100n && boundary + 1n < xmin, `no power of ten of 3 digits or more below the oldest running transaction ${xmin}`);
    const ids = [-2n, -2n, -1n, -1n, 0n, 0n, 1n, 1n].map((d) => String(boundary + d));
    assert.notDeepEqual([...ids].sort(), ids, 'the ids sort differently as text, so the order below tells numbers from text');
    for (const [i, xid] of ids.entries())
      await ownerPool.query(
        `insert into events (stream_id, stream_position, event_id, type, schema_version, data, metadata, transaction_id)
         values ('digits', $1, gen_random_uuid(), 'test.happened', 1, '{}', '{}', $2::xid8)`,
        [i + 1, xid],
      );
    const seen: string[] = [];
    let cp = START;
    for (;;) {
      const page = await store.readAll(cp, 2);
      if (!page.length) break;
      seen.push(...page.filter((e) => e.streamId === 'digits').map((e) => e.transactionId));
      cp = checkpointOf(page[page.length - 1]!);
    }
    assert.deepEqual(seen, ids);
  });
});
