import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { probeDue, recordProbe, startProbing, type ProbeState, type ProbeTiming } from '@sacp/domain';

const T0 = Date.parse('2026-11-26T12:00:00.000Z');
/** a controlled clock: seconds after the container started */
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const timing: ProbeTiming = { intervalSeconds: 2, timeoutSeconds: 1, retries: 3, startPeriodSeconds: 5 };
const ok = (s: number) => ({ ok: true, output: 'GET /health answered 200', at: at(s) });
const fail = (s: number) => ({ ok: false, output: 'GET /health answered 503', at: at(s) });

/** runs outcomes in order and returns the reports, with the final state */
function run(outcomes: { ok: boolean; output: string; at: string }[], from: ProbeState = startProbing('c1', at(0), timing)) {
  let state = from;
  const reports: string[] = [];
  for (const o of outcomes) {
    const step = recordProbe(state, timing, o);
    state = step.state;
    if (step.report) reports.push(step.report.status);
  }
  return { state, reports };
}

describe('probe thresholds (HTTP probes with Docker HEALTHCHECK semantics)', () => {
  test('the first probe is due one interval after the start, the next one an interval after each probe', () => {
    const s = startProbing('c1', at(0), timing);
    assert.equal(probeDue(s, at(1.9)), false);
    assert.equal(probeDue(s, at(2)), true);
    const after = recordProbe(s, timing, ok(2.3)).state;
    assert.equal(probeDue(after, at(4.2)), false);
    assert.equal(probeDue(after, at(4.3)), true);
  });

  test('a success reports healthy once; further successes report nothing', () => {
    assert.deepEqual(run([ok(2), ok(4), ok(6)]).reports, ['healthy']);
  });

  test('failures inside the start period do not count while the container was never healthy', () => {
    const { state, reports } = run([fail(1), fail(2), fail(3), fail(4)]);
    assert.deepEqual(reports, []);
    assert.equal(state.verdict, 'starting');
    assert.deepEqual(run([fail(6), fail(8), fail(10)], state).reports, ['unhealthy'], 'after the start period, `retries` failures in a row');
  });

  test('retries failures in a row turn a healthy container unhealthy, with the count in the output', () => {
    const { state, reports } = run([ok(2), fail(6), fail(8), fail(10), fail(12)]);
    assert.deepEqual(reports, ['healthy', 'unhealthy']);
    const last = recordProbe({ ...state, verdict: 'healthy', failuresInARow: 2 }, timing, fail(14)).report;
    assert.deepEqual(last, { status: 'unhealthy', output: 'GET /health answered 503 (3 failed probes in a row)' });
  });

  test('a success in between resets the count', () => {
    assert.deepEqual(run([ok(2), fail(6), fail(8), ok(10), fail(12), fail(14)]).reports, ['healthy']);
  });

  test('a failure after the container was healthy counts even inside the start period', () => {
    assert.deepEqual(run([ok(1), fail(2), fail(3), fail(4)]).reports, ['healthy', 'unhealthy']);
  });

  test('an unhealthy container that answers again is reported healthy', () => {
    assert.deepEqual(run([ok(2), fail(6), fail(8), fail(10), ok(12)]).reports, ['healthy', 'unhealthy', 'healthy']);
  });
});
