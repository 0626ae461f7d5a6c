import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { AgentLogRow, LogVolumeBucket } from '@sacp/event-store';
import { cutMarker, Limits } from '@sacp/events';
import { LogLineDecoder, MAX_LINE_CHARS } from '@sacp/docker';
import { ResumeFilter, sinceNanos, storable, toMicros } from '../../../apps/monitor/src/logs/line-keys';
import { LogQueue } from '../../../apps/monitor/src/logs/log-queue';
import { LINE_OVERHEAD_BYTES, planPrune } from '../../../apps/monitor/src/logs/retention';

type Stream = 'stdout' | 'stderr';
/** A container's log as Docker holds it: stream, Docker's nanosecond timestamp, text. */
const LOG: [Stream, string, string][] = [
  ['stdout', '2026-11-30T10:00:00.000001000Z', 'a'],
  ['stdout', '2026-11-30T10:00:00.000001500Z', 'b'], // the same microsecond as a
  ['stderr', '2026-11-30T10:00:00.000001200Z', 'e1'], // stamped between a and b, written after b
  ['stdout', '2026-11-30T10:00:00.000002000Z', 'c'],
  ['stdout', '2026-11-30T10:00:00.000002000Z', 'd'], // the very same nanosecond as c
  ['stderr', '2026-11-30T10:00:01.5Z', 'e2'],
  ['stdout', '2026-11-30T10:00:02Z', 'f'],
];

/** Docker's answer to `since`: every entry at or after it, in file order. */
const dockerFrom = (since: string | undefined) =>
  LOG.filter(([, ts]) => since === undefined || BigInt(sinceNanos(toMicros(ts)!)) + BigInt(ts.match(/\.\d{6}(\d*)Z$/)?.[1]?.padEnd(3, '0') ?? '0') >= BigInt(since));

/** Reads as the collector does; `stopAfter` lines stored and the reader killed. */
function read(cursors: ConstructorParameters<typeof ResumeFilter>[0], stopAfter = Infinity) {
  const filter = new ResumeFilter(cursors);
  const stored: string[] = [];
  const keys: string[] = [];
  for (const [stream, ts, text] of dockerFrom(filter.since(1000))) {
    if (stored.length >= stopAfter) break;
    const key = filter.accept(stream, ts)!;
    if (!key.fresh) continue;
    stored.push(text);
    keys.push(`${key.ts}/${stream}/${key.seq}`);
  }
  return { stored, keys, position: filter.position() };
}

describe('collected lines: keys from Docker timestamps, resume without loss or duplicates', () => {
  test("Docker's nanosecond RFC 3339 times become microsecond keys in UTC; since goes back to nanoseconds", () => {
    assert.equal(toMicros('2026-11-30T10:00:00.123456789Z'), '2026-11-30T10:00:00.123456Z');
    assert.equal(toMicros('2026-11-30T10:00:00Z'), '2026-11-30T10:00:00.000000Z');
    assert.equal(toMicros('2026-11-30T11:00:00.5+01:00'), '2026-11-30T10:00:00.500000Z');
    assert.equal(toMicros('yesterday'), null);
    assert.equal(sinceNanos('2026-11-30T10:00:00.123456Z'), `${Date.parse('2026-11-30T10:00:00Z') / 1000}123456000`);
    assert.equal(sinceNanos('2026-11-30T10:00:00.123456Z', 1000), `${Date.parse('2026-11-30T09:59:59Z') / 1000}123456000`);
  });

  test('lines of one stream in the same microsecond are told apart by seq, in file order', () => {
    const { keys, stored } = read({});
    assert.deepEqual(stored, ['a', 'b', 'e1', 'c', 'd', 'e2', 'f']);
    assert.deepEqual(keys.slice(0, 5), [
      '2026-11-30T10:00:00.000001Z/stdout/0',
      '2026-11-30T10:00:00.000001Z/stdout/1',
      '2026-11-30T10:00:00.000001Z/stderr/0',
      '2026-11-30T10:00:00.000002Z/stdout/0',
      '2026-11-30T10:00:00.000002Z/stdout/1',
    ]);
  });

  test('killed after any line and resumed from the cursors it left, every line is stored once, with the same key', () => {
    const all = read({});
    for (let n = 0; n <= LOG.length; n++) {
      const first = read({}, n);
      const second = read(first.position);
      assert.deepEqual([...first.stored, ...second.stored].sort(), [...all.stored].sort(), `killed after ${n} lines`);
      assert.deepEqual([...first.keys, ...second.keys].sort(), [...all.keys].sort(), `the keys after ${n} lines`);
    }
  });

  test('a cursor in the middle of a microsecond resumes at the next line of that microsecond', () => {
    const again = read({ stdout: { ts: '2026-11-30T10:00:00.000002Z', seq: 0 }, stderr: { ts: '2026-11-30T10:00:00.000001Z', seq: 0 } });
    assert.deepEqual(again.stored, ['d', 'e2', 'f']);
  });

  test('without a cursor, since is the fallback (nothing stored yet: as far back as retention keeps)', () => {
    assert.equal(new ResumeFilter({}).since(1000, '42'), '42');
    assert.equal(new ResumeFilter({ stderr: { ts: '2026-11-30T10:00:00.000000Z', seq: 3 } }).since(0), `${Date.parse('2026-11-30T10:00:00Z') / 1000}000000000`);
  });
});

const row = (i: number, line = `line ${i}`): AgentLogRow => ({
  ts: `2026-11-30T10:00:00.${String(i).padStart(6, '0')}Z`,
  containerId: 'c',
  stream: 'stdout',
  seq: 0,
  agentId: 'a',
  agentName: 'n',
  team: null,
  line,
});

describe('the queue between Docker and Postgres: batches, bounded, with backpressure', () => {
  test('takes batches in order; a push into a full queue waits until the queue is down to half', async () => {
    const q = new LogQueue(10, 1_000_000);
    for (let i = 0; i < 9; i++) assert.equal(q.push(row(i)), undefined);
    const wait = q.push(row(9));
    assert.ok(wait instanceof Promise, 'the tenth line fills it');
    let released = false;
    void wait.then(() => (released = true));
    assert.deepEqual(
      q.take(3).map((r) => r.line),
      ['line 0', 'line 1', 'line 2'],
    );
    await Promise.resolve();
    assert.equal(released, false, 'seven lines left: still over half');
    q.take(2);
    await new Promise((r) => setImmediate(r));
    assert.equal(released, true);
    assert.deepEqual(
      q.take(100).map((r) => r.line),
      ['line 5', 'line 6', 'line 7', 'line 8', 'line 9'],
    );
  });

  test('bounded by bytes too; clearing it lets every waiter go', async () => {
    const q = new LogQueue(1000, 10_000);
    const wait = q.push(row(1, 'x'.repeat(6000)));
    assert.ok(wait instanceof Promise);
    assert.ok(q.full);
    q.clear();
    await wait;
    assert.equal(q.length, 0);
    assert.equal(q.size, 0);
  });

  test('waitForData resolves as soon as a line arrives, or after its time', async () => {
    const q = new LogQueue(10, 10_000);
    const started = Date.now();
    await q.waitForData(50);
    assert.ok(Date.now() - started >= 40);
    const waiting = q.waitForData(10_000);
    void q.push(row(1));
    await waiting;
    assert.ok(Date.now() - started < 5000);
  });
});

describe('retention: what the prune deletes, planned from the volume per team and minute', () => {
  const now = new Date('2026-11-30T12:00:30Z');
  const bucket = (minute: string, lines: number, bytes: number, team = ''): LogVolumeBucket => ({ team, minute: `2026-11-30T${minute}:00Z`, lines, bytes });
  const perLine = 100 + LINE_OVERHEAD_BYTES;

  test('within both limits: only the age cut, which takes nothing', () => {
    const plans = planPrune([bucket('12:00', 10, 1000)], () => ({ maxAgeMs: 3_600_000, maxBytes: 1e9 }), now);
    assert.deepEqual(plans, [{ team: '', olderThan: '2026-11-30T11:00:30.000Z', sizeCut: null }]);
  });

  test('over the size: the cut falls in the minute where the newest lines reach the limit, keeping what fits of it', () => {
    const buckets = [bucket('12:00', 10, 1000), bucket('11:59', 10, 1000), bucket('11:58', 10, 1000)];
    const [plan] = planPrune(buckets, () => ({ maxAgeMs: 86_400_000, maxBytes: 25 * perLine }), now);
    assert.deepEqual(plan!.sizeCut, { minute: '2026-11-30T11:58:00Z', keepBytes: 5 * perLine });
  });

  test('minutes past the age limit are left to the age cut; each team is planned with its own policy', () => {
    const buckets = [bucket('12:00', 10, 1000, 'red'), bucket('10:00', 1000, 100_000, 'red'), bucket('12:00', 10, 1000)];
    const plans = planPrune(buckets, (team) => (team === 'red' ? { maxAgeMs: 3_600_000, maxBytes: 20 * perLine } : { maxAgeMs: 60_000, maxBytes: 5 * perLine }), now);
    const red = plans.find((p) => p.team === 'red')!;
    assert.equal(red.olderThan, '2026-11-30T11:00:30.000Z');
    assert.equal(red.sizeCut, null, 'the old minute goes by age; the new one fits');
    const none = plans.find((p) => p.team === '')!;
    assert.deepEqual(none.sizeCut, { minute: '2026-11-30T12:00:00Z', keepBytes: 5 * perLine });
  });
});

describe('a line as stored: bounded, and text Postgres takes', () => {
  test('cut to the log line limit with the marker; NUL characters replaced', () => {
    assert.equal(storable('plain'), 'plain');
    assert.equal(storable('a\u0000b'), 'a\uFFFDb');
    const long = storable('x'.repeat(100_000));
    assert.ok(Buffer.byteLength(long) <= Limits.LOG_LINE_MAX_BYTES);
    assert.match(long, / … \[cut \d+ bytes\]$/);
  });

  test('what the decoder dropped of an endless line is counted in the marker, and the line stays within the limit', () => {
    const line = storable('y'.repeat(MAX_LINE_CHARS), 5_000_000);
    assert.ok(Buffer.byteLength(line) <= Limits.LOG_LINE_MAX_BYTES);
    const cut = Number(/\[cut (\d+) bytes\]$/.exec(line)![1]);
    assert.equal(cut, MAX_LINE_CHARS + 5_000_000 - (Buffer.byteLength(line) - Buffer.byteLength(cutMarker(cut))));
  });

  test("Docker's decoder keeps at most MAX_LINE_CHARS of a line without end, however many frames it comes in", () => {
    const decoder = new LogLineDecoder(false);
    const frame = (text: string) => {
      const payload = Buffer.from(text);
      const header = Buffer.alloc(8);
      header.writeUInt8(1, 0);
      header.writeUInt32BE(payload.length, 4);
      return Buffer.concat([header, payload]);
    };
    const out = [];
    out.push(...decoder.push(frame(`2026-11-30T10:00:00.000000001Z ${'z'.repeat(16 * 1024)}`)));
    for (let i = 0; i < 100; i++) out.push(...decoder.push(frame(`2026-11-30T10:00:00.000000002Z ${'z'.repeat(16 * 1024)}`)));
    out.push(...decoder.push(frame('2026-11-30T10:00:00.000000003Z end\n')));
    assert.equal(out.length, 1);
    assert.equal(out[0]!.ts, '2026-11-30T10:00:00.000000001Z');
    assert.ok(out[0]!.line.length <= MAX_LINE_CHARS + 16 * 1024);
    assert.equal(out[0]!.line.length + out[0]!.droppedBytes!, 101 * 16 * 1024 + 'end'.length);
  });
});
