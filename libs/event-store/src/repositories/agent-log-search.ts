import type { EntityManager } from 'typeorm';
import type { AgentLogRow, LogSearchFilter, LogStreamName } from './agent-log.types';

/** `ts` as text to the microsecond, in UTC: a JS Date would keep milliseconds only. */
export const logTs = (table: string) => `to_char(${table}.ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * How many of the newest lines (after the other filters) a text search reads in key
 * order before it switches to the full-text index. See `searchLogLines`.
 */
export const RECENT_WINDOW = 20_000;

const ORDER = 'order by ts desc, container_id desc, stream desc, seq desc';
const COLUMNS = 'ts, container_id, stream, seq, agent_id, agent_name, team, line';

type Row = { at: string; container_id: string; stream: LogStreamName; seq: number; agent_id: string; agent_name: string; team: string | null; line: string };

/**
 * Newest first, `limit` lines. Without text this is one index range. With text, the
 * planner alone picks badly on one kind of query: it multiplies the words'
 * frequencies, so two common words that never meet on a line ("worker=3 error")
 * look frequent, and it walks the whole key index backwards (4 s over 10 million
 * lines here). So a text search runs in two steps, each with a bounded cost:
 * 1. the newest RECENT_WINDOW lines in key order, filtered by the text: common words
 *    fill the page here (milliseconds);
 * 2. only if the page is not full and older lines exist: the rest from the GIN index
 *    (a bitmap of the matching lines, then the newest of them), below the window's
 *    oldest key. Matches are known to be sparse by then, so the index scan in key
 *    order and the sequential scan are ruled out for this statement.
 * The two steps' lines are disjoint and in key order, so the page is exact.
 */
export async function searchLogLines(tx: EntityManager, f: LogSearchFilter): Promise<AgentLogRow[]> {
  // every statement gets its own parameter list: Postgres refuses a parameter a statement does not use
  const statement = () => {
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = (...extra: ((p: (v: unknown) => string) => string)[]) => {
      const all: string[] = [];
      if (f.agentIds) all.push(`agent_id = any(${p(f.agentIds)}::text[])`);
      if (f.team) all.push(`team = ${p(f.team)}`);
      if (f.from) all.push(`ts >= ${p(f.from)}::timestamptz`);
      if (f.to) all.push(`ts < ${p(f.to)}::timestamptz`);
      if (f.after) all.push(`(ts, container_id, stream, seq) < (${p(f.after.ts)}::timestamptz, ${p(f.after.containerId)}, ${p(f.after.stream)}, ${p(f.after.seq)}::int)`);
      for (const e of extra) all.push(e(p));
      return all.length ? `where ${all.join(' and ')}` : '';
    };
    return { params, p, where };
  };
  // the output's time is named `at`: an output column named `ts` would be what `order by ts` sorts by (text, no index)
  const select = (table: string) => `select ${logTs(table)} as at, container_id, stream, seq, agent_id, agent_name, team, line`;
  const matches = (p: (v: unknown) => string) => `tsv @@ websearch_to_tsquery('simple', ${p(f.text)})`;

  if (!f.text) {
    const s = statement();
    const rows: Row[] = await tx.query(`${select('agent_log_lines')} from agent_log_lines ${s.where()} ${ORDER} limit ${s.p(f.limit)}`, s.params);
    return rows.map(toLogRow);
  }

  const s1 = statement();
  const recent: Row[] = await tx.query(
    `${select('recent')} from (select ${COLUMNS}, tsv from agent_log_lines ${s1.where()} ${ORDER} limit ${s1.p(RECENT_WINDOW)}) recent
      where ${matches(s1.p)} ${ORDER} limit ${s1.p(f.limit)}`,
    s1.params,
  );
  if (recent.length >= f.limit) return recent.map(toLogRow);

  const s2 = statement();
  const [edge]: { at: string; container_id: string; stream: LogStreamName; seq: number }[] = await tx.query(
    `select ${logTs('agent_log_lines')} as at, container_id, stream, seq from agent_log_lines ${s2.where()} ${ORDER} offset ${s2.p(RECENT_WINDOW - 1)} limit 1`,
    s2.params,
  );
  if (!edge) return recent.map(toLogRow);

  await tx.query(`set local enable_indexscan = off`);
  await tx.query(`set local enable_seqscan = off`);
  const s3 = statement();
  const older: Row[] = await tx.query(
    `${select('agent_log_lines')} from agent_log_lines
      ${s3.where(matches, (p) => `(ts, container_id, stream, seq) < (${p(edge.at)}::timestamptz, ${p(edge.container_id)}, ${p(edge.stream)}, ${p(edge.seq)}::int)`)}
      ${ORDER} limit ${s3.p(f.limit - recent.length)}`,
    s3.params,
  );
  return [...recent, ...older].map(toLogRow);
}

function toLogRow(r: Row): AgentLogRow {
  return { ts: r.at, containerId: r.container_id, stream: r.stream, seq: r.seq, agentId: r.agent_id, agentName: r.agent_name, team: r.team, line: r.line };
}
