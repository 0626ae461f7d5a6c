import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { crossThreshold, cpuPercentBetween, percentOf } from '@sacp/domain';

describe('threshold alerts with hysteresis', () => {
  const t = { threshold: 90, hysteresis: 5 };

  test('raise above the threshold, once', () => {
    assert.equal(crossThreshold(false, 90, t), null);
    assert.equal(crossThreshold(false, 90.1, t), 'raise');
    assert.equal(crossThreshold(true, 99, t), null, 'already open: nothing more');
  });

  test('resolve only below threshold minus hysteresis', () => {
    assert.equal(crossThreshold(true, 88, t), null);
    assert.equal(crossThreshold(true, 85, t), null);
    assert.equal(crossThreshold(true, 84.9, t), 'resolve');
    assert.equal(crossThreshold(false, 10, t), null);
  });
});

describe('resource arithmetic', () => {
  test('CPU share of one core between two cumulative readings', () => {
    const a = { usageNanos: 1_000_000_000, at: '2026-11-26T12:00:00.000Z' };
    assert.equal(cpuPercentBetween(null, a), 0);
    assert.equal(cpuPercentBetween(a, { usageNanos: 1_500_000_000, at: '2026-11-26T12:00:01.000Z' }), 50);
    assert.equal(cpuPercentBetween(a, { usageNanos: 5_000_000_000, at: '2026-11-26T12:00:02.000Z' }), 200, 'two full cores');
    assert.equal(cpuPercentBetween(a, { usageNanos: 10, at: '2026-11-26T12:00:02.000Z' }), 0, 'a counter that went back (new container) is not negative');
  });

  test('percentages', () => {
    assert.equal(percentOf(1, 3), 33.33);
    assert.equal(percentOf(5, 0), 0);
  });
});
