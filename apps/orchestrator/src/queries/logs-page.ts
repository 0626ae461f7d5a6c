import { ErrorCodes, Limits, truncateLine, decodeCursor, encodeCursor, type LogLine, type LogsPage } from '@sacp/events';
import { DomainError } from '@sacp/domain';
import { rfc3339Nanos, type DockerDriver } from '@sacp/docker';

/**
 * Where the next page of a container's log tail starts: the first line not sent yet
 * has Docker timestamp `s` (nanoseconds), `k` lines with that same timestamp were
 * already sent, and `r` lines of the requested tail remain.
 */
interface LogsCursor extends Record<string, unknown> {
  c: string;
  s: string;
  k: number;
  r: number;
}

/** Lines a container may write between two pages without costing a full read. */
const SLACK_LINES = 1000;

export interface LogsPageRequest {
  agent: string;
  containerId: string;
  lines: number;
  pageSize: number;
  cursor?: string;
}

/**
 * One page of an agent's log tail, read from Docker as a stream and cut at the page's
 * item and byte budget; lines over Limits.LOG_LINE_MAX_BYTES are cut with a marker.
 * Stateless, so any replica answers the next page: the cursor holds the timestamp
 * of the first line not yet sent, and Docker is asked again for the tail from there.
 */
export async function readLogsPage(docker: DockerDriver, q: LogsPageRequest): Promise<{ result: LogsPage; nextCursor?: string }> {
  let position: LogsCursor | null = null;
  if (q.cursor) {
    position = decodeCursor<LogsCursor>('agent.logs', q.cursor);
    if (!position || typeof position.s !== 'string' || !/^\d+$/.test(position.s) || !Number.isInteger(position.k) || !Number.isInteger(position.r))
      throw new DomainError(ErrorCodes.QUERY_CURSOR_INVALID, 'this cursor is not one agent.logs handed out; start again without a cursor');
    if (position.c !== q.containerId)
      throw new DomainError(ErrorCodes.QUERY_CURSOR_INVALID, `agent "${q.agent}" has another container since this cursor was made; start again without a cursor`);
  }
  const remaining = position ? position.r : q.lines;
  const budget = Math.min(q.pageSize, remaining);

  const read = async (tail: number | undefined) => {
    const controller = new AbortController();
    const page: LogLine[] = [];
    let bytes = 2;
    let cut = 0;
    let skip = position?.k ?? 0;
    let next: LogLine | null = null;
    let first: LogLine | null = null;
    try {
      for await (const raw of docker.readLogs(q.containerId, { tail, sinceNanos: position?.s, signal: controller.signal })) {
        first ??= raw;
        if (skip > 0 && position && raw.ts && rfc3339Nanos(raw.ts).toString() === position.s) {
          skip--;
          continue;
        }
        skip = 0;
        const t = truncateLine(raw.line);
        const line: LogLine = t.cutBytes ? { ...raw, line: t.line } : raw;
        const size = Buffer.byteLength(JSON.stringify(line)) + 1;
        if (page.length >= budget || (page.length > 0 && bytes + size > Limits.PAGE_MAX_BYTES)) {
          next = raw;
          break;
        }
        if (t.cutBytes) cut++;
        bytes += size;
        page.push(line);
      }
    } finally {
      controller.abort();
    }
    return { page, next, first, cut };
  };

  // the tail from the cursor's line holds k + r lines, plus what the container wrote
  // since: SLACK_LINES covers a chatty one (Docker drops the older ones by `since`);
  // a container that wrote more still gets every line, read from `since` on
  let got = await read(position ? position.k + position.r + SLACK_LINES : q.lines);
  if (position && got.first?.ts && rfc3339Nanos(got.first.ts).toString() !== position.s) got = await read(undefined);

  const left = remaining - got.page.length;
  const result: LogsPage = { agent: q.agent, lines: got.page };
  if (got.cut) result.cutLines = got.cut;
  if (left <= 0 || !got.next) return { result };
  result.remainingLines = left;
  if (!got.next.ts) {
    result.note = `${left} more lines were left out of this reply; ask for fewer lines`;
    return { result };
  }
  const s = rfc3339Nanos(got.next.ts).toString();
  const k = got.page.filter((l) => l.ts && rfc3339Nanos(l.ts).toString() === s).length;
  result.note = `${left} more lines follow; send nextCursor as cursor to get them`;
  return { result, nextCursor: encodeCursor('agent.logs', { c: q.containerId, s, k, r: left }) };
}
