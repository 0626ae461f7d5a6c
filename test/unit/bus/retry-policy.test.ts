import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { BusError, NO_RETRY, retrying, retryFor } from '@sacp/bus';

const noResponders = () => new BusError('BUS.NO_RESPONDERS', 'nothing answers');
const timeout = () => new BusError('BUS.TIMEOUT', 'no reply in time');

/** An attempt that fails with the given errors in turn, then answers `value`. */
function attempts<T>(failures: Error[], value: T): { fn: () => Promise<T>; calls: () => number } {
  let n = 0;
  return {
    fn: async () => {
      const f = failures[n++];
      if (f) throw f;
      return value;
    },
    calls: () => n,
  };
}

describe('the one retry policy', () => {
  test('without retries one attempt is made, and its bus failure reported as not delivered', async () => {
    const a = attempts([noResponders()], 'ok');
    const told: string[] = [];
    const outcome = await retrying(NO_RETRY, a.fn, { onWaiting: (p) => void told.push(p.code) });
    assert.equal(a.calls(), 1);
    assert.deepEqual(told, [], 'nobody is told of a wait that will not happen');
    assert.equal(outcome.delivered, false);
    if (!outcome.delivered) assert.equal(outcome.error.code, 'BUS.NO_RESPONDERS');
  });

  test('transient failures are retried until an answer comes; the waiting user is told once', async () => {
    const a = attempts([noResponders(), noResponders(), timeout()], 'ok');
    const told: string[] = [];
    const retried: number[] = [];
    const outcome = await retrying(retryFor(5000, { initialDelayMs: 5, maxDelayMs: 10 }), a.fn, {
      onWaiting: (p) => void told.push(p.code),
      onRetry: (_p, n) => void retried.push(n),
    });
    assert.deepEqual(outcome, { delivered: true, value: 'ok', attempts: 4 });
    assert.deepEqual(told, ['BUS.NO_RESPONDERS']);
    assert.deepEqual(retried, [1, 2, 3]);
  });

  test('a failure waiting cannot cure (a refused credential, a bug) is thrown at once', async () => {
    const forbidden = attempts([new BusError('BUS.FORBIDDEN', 'may not send')], 'ok');
    await assert.rejects(retrying(retryFor(5000), forbidden.fn), (e: unknown) => e instanceof BusError && e.code === 'BUS.FORBIDDEN');
    assert.equal(forbidden.calls(), 1);
    const bug = attempts([new TypeError('x is undefined')], 'ok');
    await assert.rejects(retrying(retryFor(5000), bug.fn), TypeError);
  });

  test('the window is tried to its end: the last attempt starts at the deadline, and a timeout among the failures is remembered', async () => {
    let n = 0;
    const started = Date.now();
    const outcome = await retrying(retryFor(300, { initialDelayMs: 200, maxDelayMs: 200 }), async () => {
      n++;
      throw n === 1 ? timeout() : noResponders();
    });
    assert.ok(Date.now() - started >= 300, `gave up after ${Date.now() - started} ms`);
    assert.equal(n, 3, 'at 0, 200 and 300 ms');
    assert.equal(outcome.delivered, false);
    if (!outcome.delivered) {
      assert.equal(outcome.attempts, 3);
      assert.equal(outcome.timedOut, true);
      assert.equal(outcome.error.code, 'BUS.NO_RESPONDERS', 'the last failure is the one reported');
    }
  });

  test('an answer that says "ask again" is retried like a bus failure; when the window closes that answer stands', async () => {
    let n = 0;
    const again = (r: { code: string }) => (r.code === 'STORE.UNAVAILABLE' ? { code: r.code, message: 'later' } : null);
    const outcome = await retrying(retryFor(100, { initialDelayMs: 10, maxDelayMs: 10 }), async () => ({ code: ++n < 3 ? 'STORE.UNAVAILABLE' : 'OK' }), { again });
    assert.deepEqual(outcome, { delivered: true, value: { code: 'OK' }, attempts: 3 });
    const stuck = await retrying(retryFor(50, { initialDelayMs: 10, maxDelayMs: 10 }), async () => ({ code: 'STORE.UNAVAILABLE' }), { again });
    assert.equal(stuck.delivered, true);
    if (stuck.delivered) assert.deepEqual(stuck.value, { code: 'STORE.UNAVAILABLE' });
  });
});
