import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { decideIdle, observeIdle, startIdleClock, type IdleClock, type IdleObservation, type IdleThresholds } from '@sacp/domain';

const T0 = Date.parse('2026-11-26T12:00:00.000Z');
/** a controlled clock: seconds after the container started */
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const t: IdleThresholds = { cpuPercentThreshold: 1, cpuWindowMs: 2000, maxGapMs: 3000 };
/** 0.5% of a core all along: below the threshold */
const cpuAt = (s: number, extraMs = 0) => Math.round((s * 5 + extraMs) * 1e6);
const quiet = (s: number, extra: Partial<IdleObservation> = {}): IdleObservation => ({ at: at(s), cpuUsageNanos: cpuAt(s), networkBytes: 500, lastLogAt: at(0.2), ...extra });

/** observes once a second from `from` to `to` */
function watch(clock: IdleClock, from: number, to: number, o: (s: number) => IdleObservation = quiet): IdleClock {
  for (let s = from; s <= to; s++) clock = observeIdle(clock, o(s), t);
  return clock;
}

describe('idle clock', () => {
  const fresh = () => startIdleClock('c1', at(0), at(0));

  test('an agent quiet on every signal for the timeout is stopped, with the quiet signals in the reason', () => {
    const clock = watch(fresh(), 1, 11);
    assert.deepEqual(decideIdle(clock, at(11), 10, t), {
      action: 'stop',
      idleForSeconds: 10,
      reason: 'idle for 10 s (timeout 10 s): CPU below 1% of a core, no network traffic, no log output',
    });
  });

  test('the clock starts at the first observation, and counts only time whose CPU window has closed', () => {
    const clock = watch(fresh(), 1, 10);
    // windows closed at 3, 5, 7 and 9: quiet is confirmed for 8 s
    assert.deepEqual(decideIdle(clock, at(10), 10, t), { action: 'wait', remainingMs: 2000 });
  });

  test('CPU above the threshold over a window restarts the clock', () => {
    // 350 ms of CPU between second 8 and 9: 35% of a core; the window 7..9 averages well above 1%
    const burst = (s: number) => quiet(s, { cpuUsageNanos: cpuAt(s, s >= 9 ? 350 : 0) });
    let clock = watch(fresh(), 1, 8, burst);
    clock = observeIdle(clock, burst(9), t);
    assert.equal(clock.lastActivity, 'cpu');
    clock = watch(clock, 10, 18, burst);
    assert.equal(decideIdle(clock, at(18), 10, t).action, 'wait');
    assert.equal(decideIdle(watch(clock, 19, 19, burst), at(19), 10, t).action, 'stop');
  });

  test('a short CPU blip that averages below the threshold over the window is not activity', () => {
    // 15 ms every other second (a HEALTHCHECK exec): 1.5% in a one-second sample, 0.75% over two seconds
    const blips = (s: number) => quiet(s, { cpuUsageNanos: Math.round(Math.floor(s / 2) * 15e6) });
    const clock = watch(fresh(), 1, 11, blips);
    assert.equal(decideIdle(clock, at(11), 10, t).action, 'stop');
  });

  test('network bytes that change restart the clock; the first reading is only a baseline', () => {
    let clock = observeIdle(fresh(), quiet(1, { networkBytes: 9999 }), t);
    clock = watch(clock, 2, 6, (s) => quiet(s, { networkBytes: 9999 }));
    clock = observeIdle(clock, quiet(7, { networkBytes: 10_100 }), t);
    assert.equal(clock.lastActivity, 'network');
    assert.equal(clock.quietSince, at(7));
  });

  test('a new log line restarts the clock; lines from before this run do not count', () => {
    const restarted = startIdleClock('c1', at(100), at(100));
    let clock = observeIdle(restarted, quiet(101, { lastLogAt: at(50) }), t);
    clock = watch(clock, 102, 105, (s) => quiet(s, { lastLogAt: at(50) }));
    assert.equal(clock.quietSince, at(101), 'an earlier run wrote that line');
    clock = observeIdle(clock, quiet(106, { lastLogAt: at(105.5) }), t);
    assert.deepEqual([clock.lastActivity, clock.quietSince], ['logs', at(106)]);
  });

  test('a heartbeating agent is never idle', () => {
    const clock = watch(fresh(), 1, 60, (s) => quiet(s, { lastLogAt: at(s - 0.5) }));
    assert.equal(decideIdle(clock, at(60), 10, t).action, 'wait');
  });

  test('a gap in observation restarts the clock: unwatched time is not quiet time', () => {
    let clock = watch(fresh(), 1, 6);
    clock = watch(clock, 15, 20);
    assert.deepEqual([clock.lastActivity, clock.quietSince], ['unobserved', at(15)]);
    assert.equal(decideIdle(clock, at(20), 10, t).action, 'wait');
  });

  test('without a recent observation nothing is stopped', () => {
    const clock = watch(fresh(), 1, 20);
    assert.equal(decideIdle(clock, at(20), 10, t).action, 'stop');
    assert.equal(decideIdle(clock, at(30), 10, t).action, 'wait');
  });
});
