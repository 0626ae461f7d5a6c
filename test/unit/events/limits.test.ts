import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { Limits, truncateLine, decodeCursor, encodeCursor, fitPage } from '@sacp/events';

describe('size limits', () => {
  test('every cap leaves room under NATS max_payload', () => {
    for (const k of ['COMMAND_MAX_BYTES', 'QUERY_MAX_BYTES', 'REPLY_MAX_BYTES', 'PAGE_MAX_BYTES'] as const) assert.ok(Limits[k] < Limits.NATS_MAX_PAYLOAD_BYTES, k);
    assert.ok(Limits.PAGE_MAX_BYTES + 64 * 1024 < Limits.REPLY_MAX_BYTES, 'a full page and its envelope fit a reply');
    assert.ok(Limits.LOG_LINE_MAX_BYTES < Limits.PAGE_MAX_BYTES && Limits.EVENT_DATA_MAX_BYTES < Limits.PAGE_MAX_BYTES, 'one item always fits a page');
  });

  test('a long line is cut to the limit and says how many bytes were cut; short lines are untouched', () => {
    assert.deepEqual(truncateLine('short', 100), { line: 'short', cutBytes: 0 });
    const long = 'a'.repeat(1000);
    const t = truncateLine(long, 100);
    assert.ok(Buffer.byteLength(t.line) <= 100);
    assert.match(t.line, / … \[cut (\d+) bytes\]$/);
    assert.equal(Number(/cut (\d+) bytes/.exec(t.line)![1]), t.cutBytes);
    assert.equal(t.line.slice(0, t.line.indexOf(' … ')), 'a'.repeat(1000 - t.cutBytes), 'the start is kept');
    const emoji = '😀'.repeat(100); // 4 bytes each: never split
    const e = truncateLine(emoji, 50);
    assert.ok(!e.line.includes('\uFFFD') && Buffer.byteLength(e.line) <= 50);
    assert.equal(Buffer.byteLength(emoji) - e.cutBytes, Buffer.byteLength(e.line.slice(0, e.line.indexOf(' … '))));
  });

  test('a page stops at its item count or its byte budget, never empty while items remain', () => {
    const items = Array.from({ length: 10 }, () => 'x'.repeat(98)); // 100 bytes of JSON each
    assert.equal(fitPage(items, 3, 10_000), 3);
    assert.equal(fitPage(items, 100, 500), 4);
    assert.equal(fitPage(['y'.repeat(5000)], 100, 500), 1);
    assert.equal(fitPage([], 100, 500), 0);
  });

  test('a cursor is opaque and belongs to one query', () => {
    const c = encodeCursor('agent.history', { a: 'x', f: 3 });
    assert.match(c, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor('agent.history', c), { a: 'x', f: 3 });
    assert.equal(decodeCursor('audit.list', c), null);
    assert.equal(decodeCursor('agent.history', 'garbage!'), null);
  });
});
