import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { comparePositions, ResumeCursor, START, type Position } from '../../../apps/api/src/live/resume-cursor';

/** Events in commit-safe order: transaction ids grow, global positions interleave as sequences do. */
function history(n: number): Position[] {
  const out: Position[] = [];
  let tx = 1000;
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) tx += 1 + (i % 5);
    // a later transaction may hold a smaller global position (sequences commit out of order)
    out.push({ transactionId: String(tx), globalPosition: String(((i * 7) % n) + 1) });
  }
  return out.sort(comparePositions);
}

/** A small deterministic random generator, so a failing schedule can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/**
 * One connection under a random schedule of: commits (the store's safe head moves),
 * the relay publishing the next safe event (the live feed), and the catch-up reading
 * pages from the store (a query's snapshot and its answer are two steps, so the relay
 * may publish in between: the race the cursor must survive). Returns what the client received.
 */
function simulate(seed: number, events: Position[], fromIndex: number, pageSize: number) {
  const rand = rng(seed);
  const from = fromIndex < 0 ? START : events[fromIndex]!;
  const cursor = new ResumeCursor(from);
  const received: Position[] = [];
  let safe = Math.floor(rand() * events.length); // events[0..safe) are committed and visible
  let published = Math.floor(rand() * (safe + 1)); // the relay may lag the store
  let pending: Position[] | null = null;
  let steps = 0;
  while ((!cursor.live || published < events.length) && steps++ < 100_000) {
    const r = rand();
    if (r < 0.3 && safe < events.length) safe++;
    else if (r < 0.6 && published < safe) {
      const e = events[published++]!;
      if (cursor.offerLive(e)) received.push(e);
    } else if (!cursor.live && !pending) {
      // the query's snapshot is taken now; its rows come back in a later step, while the relay goes on
      pending = events
        .slice(0, safe)
        .filter((e) => comparePositions(e, cursor.position) > 0)
        .slice(0, pageSize);
    } else if (pending) {
      received.push(...cursor.offerPage(pending, pending.length === pageSize).deliver);
      pending = null;
    } else if (safe === events.length && published === events.length) break;
  }
  return { received, expected: events.filter((e) => comparePositions(e, from) > 0) };
}

describe('resume: catch-up from the store, then the live feed (ResumeCursor)', () => {
  const events = history(120);

  test('every event after the position arrives once, in order, under 2,000 random interleavings', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const fromIndex = (seed % 60) - 1;
      const { received, expected } = simulate(seed, events, fromIndex, 1 + (seed % 17));
      assert.deepEqual(received, expected, `seed ${seed}`);
    }
  });

  test('live events seen while catching up are not sent then, nor buffered; the store gives them', () => {
    const c = new ResumeCursor(START);
    assert.equal(c.offerLive(events[0]!), false);
    assert.equal(c.offerLive(events[1]!), false);
    // a short page that stops before the live feed's newest event does not end the catch-up
    const first = c.offerPage([events[0]!], false);
    assert.deepEqual(first, { deliver: [events[0]], live: false });
    const second = c.offerPage([events[1]!, events[2]!], false);
    assert.deepEqual(second, { deliver: [events[1], events[2]], live: true });
    // the relay catching up with what the store already gave is skipped
    assert.equal(c.offerLive(events[2]!), false);
    assert.equal(c.offerLive(events[3]!), true);
    assert.equal(c.offerLive(events[3]!), false, 'a duplicate is skipped');
  });

  test('a full page never ends the catch-up: there may be more', () => {
    const c = new ResumeCursor(START);
    assert.equal(c.offerPage(events.slice(0, 2), true).live, false);
    assert.equal(c.offerPage([], false).live, true);
  });

  test('positions order by transaction id first, then global position', () => {
    assert.equal(comparePositions({ transactionId: '9', globalPosition: '100' }, { transactionId: '10', globalPosition: '1' }), -1);
    assert.equal(comparePositions({ transactionId: '10', globalPosition: '2' }, { transactionId: '10', globalPosition: '1' }), 1);
    assert.equal(comparePositions(START, START), 0);
  });
});
