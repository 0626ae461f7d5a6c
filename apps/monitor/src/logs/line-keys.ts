import type { LogCursor, LogStreamName } from '@sacp/event-store';
import { cutMarker, Limits, truncateLine } from '@sacp/events';

/*
 * The key of a collected line is Docker's own: its timestamp, to the microsecond
 * (Postgres keeps no finer), its container and stream, and `seq`, its place among the
 * lines of its stream in the same microsecond. Docker stamps each stream's lines in
 * the order it writes them (stdout and stderr are stamped by two goroutines, so across
 * streams the file order and the time order may differ by a hair; within one stream
 * they agree, unless the host's clock is set back). Reading a container's log again
 * from any `since` at or before a line gives that line the same key: every earlier
 * line of its stream in the same microsecond is also at or after `since`.
 */

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** Docker's RFC 3339 timestamp (nanoseconds) as `YYYY-MM-DDTHH:MM:SS.ffffffZ` in UTC, truncated to the microsecond; null when it is not one. */
export function toMicros(dockerTs: string): string | null {
  const m = RFC3339.exec(dockerTs);
  if (!m) return null;
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  if (m[3] === 'Z') return `${m[1]}.${frac}Z`;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return null;
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
}

/** A `toMicros` time less `backMs`, as Docker's `since` in nanoseconds since the epoch. */
export function sinceNanos(micros: string, backMs = 0): string {
  const seconds = BigInt(Date.parse(`${micros.slice(0, 19)}Z`) / 1000);
  const nanos = seconds * 1_000_000_000n + BigInt(micros.slice(20, 26)) * 1000n - BigInt(backMs) * 1_000_000n;
  return (nanos < 0n ? 0n : nanos).toString();
}

/** Whether the line (ts, seq) comes after the cursor. `toMicros` strings compare in time order. */
export const isAfter = (c: LogCursor | undefined, ts: string, seq: number): boolean => !c || ts > c.ts || (ts === c.ts && seq > c.seq);

/**
 * Reads one container's log from where the store left it: `since` for Docker (the
 * earliest cursor, less an overlap for the hair by which the two streams may be out
 * of step), then each line's key, and whether it is new (after its stream's cursor).
 * Lines read again are keyed again, so their `seq` is the one they were stored with.
 */
export class ResumeFilter {
  private readonly last: Record<LogStreamName, { ts: string; seq: number } | null> = { stdout: null, stderr: null };

  constructor(private readonly cursors: Partial<Record<LogStreamName, LogCursor>>) {}

  /** Docker's `since` (nanoseconds) for this read; `fallback` (nanoseconds) when nothing of the container is stored yet. */
  since(overlapMs: number, fallback?: string): string | undefined {
    const times = [this.cursors.stdout?.ts, this.cursors.stderr?.ts].filter((t): t is string => !!t).sort();
    return times[0] ? sinceNanos(times[0], overlapMs) : fallback;
  }

  /** The line's key, and whether it is to be stored; null for a line without a timestamp (Docker always sends one when asked). */
  accept(stream: LogStreamName, dockerTs: string | undefined): { ts: string; seq: number; fresh: boolean } | null {
    const ts = dockerTs ? toMicros(dockerTs) : null;
    if (!ts) return null;
    const prev = this.last[stream];
    const seq = prev && prev.ts === ts ? prev.seq + 1 : 0;
    this.last[stream] = { ts, seq };
    const fresh = isAfter(this.cursors[stream], ts, seq);
    if (fresh) this.cursors[stream] = { ts, seq };
    return { ts, seq, fresh };
  }

  /** Where this read has got to, per stream: a follower started after this one continues from here. */
  position(): Partial<Record<LogStreamName, LogCursor>> {
    return { ...this.cursors };
  }
}

/**
 * A line Postgres takes: at most Limits.LOG_LINE_MAX_BYTES (the cut counting what the
 * decoder already dropped of an endless line), without NUL characters (text cannot hold them).
 */
export function storable(line: string, droppedBytes = 0): string {
  const clean = line.includes('\u0000') ? line.replaceAll('\u0000', '\uFFFD') : line;
  if (droppedBytes === 0) return truncateLine(clean).line;
  const t = truncateLine(clean, Limits.LOG_LINE_MAX_BYTES - 32);
  const head = t.cutBytes ? t.line.slice(0, -cutMarker(t.cutBytes).length) : t.line;
  return head + cutMarker(t.cutBytes + droppedBytes);
}
