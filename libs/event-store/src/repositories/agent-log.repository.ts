import type { DataSource } from 'typeorm';
import { inTransaction, storeCall } from '../database/transaction';
import { logTs, searchLogLines } from './agent-log-search';
import type { AgentLogRow, LogCursor, LogSearchFilter } from './agent-log.types';

export type { AgentLogRow, LogCursor, LogSearchFilter, LogSearchKey, LogStreamName } from './agent-log.types';

/** Lines and bytes (the lines' text) stored per team ('' = no team) and minute. */
export interface LogVolumeBucket {
  team: string;
  minute: string;
  lines: number;
  bytes: number;
}

/**
 * The stored agent log lines (migration 014): batched inserts with the cursors in the
 * same transaction, full-text search, the volume per minute, and the prune's deletes.
 * Hand-written SQL: this is a hot path (thousands of lines a second), written as one
 * `insert … select from unnest(…)` per batch (one round trip, one plan, `on conflict do
 * nothing`; COPY cannot skip duplicates, and the services' role may not create the
 * temporary table a COPY-then-merge would need).
 */
export class AgentLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** This store's id: the `sacp.store` label of the containers it manages. */
  async storeId(): Promise<string> {
    const rows: { store_id: string }[] = await storeCall(() => this.dataSource.query('select store_id from store_identity'));
    if (!rows[0]) throw new Error('store_identity is empty: the store is not migrated');
    return rows[0].store_id;
  }

  /** The cursors of these containers, by `${containerId}/${stream}`. */
  async cursors(containerIds: string[]): Promise<Map<string, LogCursor>> {
    const rows: { container_id: string; stream: string; ts: string; seq: number }[] = await storeCall(() =>
      this.dataSource.query(`select container_id, stream, ${logTs('agent_log_cursors')} as ts, seq from agent_log_cursors where container_id = any($1::text[])`, [containerIds]),
    );
    return new Map(rows.map((r) => [`${r.container_id}/${r.stream}`, { ts: r.ts, seq: r.seq }]));
  }

  /**
   * Stores a batch and moves each stream's cursor to its last line, in one
   * transaction: after a crash the cursors say exactly what is stored. A line stored
   * before is skipped (its key exists), and a cursor never moves back. Returns the
   * number of lines inserted.
   */
  async store(rows: AgentLogRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const last = new Map<string, AgentLogRow>();
    for (const r of rows) {
      const k = `${r.containerId}/${r.stream}`;
      const prev = last.get(k);
      if (!prev || prev.ts < r.ts || (prev.ts === r.ts && prev.seq < r.seq)) last.set(k, r);
    }
    const cursors = [...last.values()];
    return inTransaction(this.dataSource, async (tx) => {
      const inserted: { n: number }[] = await tx.query(
        `with added as (
           insert into agent_log_lines (ts, container_id, stream, seq, agent_id, agent_name, team, line)
           select * from unnest($1::timestamptz[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[])
           on conflict do nothing returning 1)
         select count(*)::int as n from added`,
        [
          rows.map((r) => r.ts),
          rows.map((r) => r.containerId),
          rows.map((r) => r.stream),
          rows.map((r) => r.seq),
          rows.map((r) => r.agentId),
          rows.map((r) => r.agentName),
          rows.map((r) => r.team),
          rows.map((r) => r.line),
        ],
      );
      await tx.query(
        `insert into agent_log_cursors as c (container_id, stream, ts, seq)
         select * from unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[])
         on conflict (container_id, stream) do update set ts = excluded.ts, seq = excluded.seq, updated_at = clock_timestamp()
          where (c.ts, c.seq) < (excluded.ts, excluded.seq)`,
        [cursors.map((r) => r.containerId), cursors.map((r) => r.stream), cursors.map((r) => r.ts), cursors.map((r) => r.seq)],
      );
      return inserted[0]?.n ?? 0;
    });
  }

  /** Lines matching the filter, newest first, at most `limit`. */
  async search(f: LogSearchFilter): Promise<AgentLogRow[]> {
    return inTransaction(this.dataSource, async (tx) => {
      await tx.query(`select set_config('statement_timeout', $1, true)`, [String(f.timeoutMs ?? 10_000)]);
      return searchLogLines(tx, f);
    });
  }

  /** Every minute's volume, newest first. */
  async volume(): Promise<LogVolumeBucket[]> {
    const rows: { team: string; minute: string; lines: string; bytes: string }[] = await storeCall(() =>
      this.dataSource.query(
        `select team, to_char(minute at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as minute, lines, bytes from agent_log_volume order by minute desc, team`,
      ),
    );
    return rows.map((r) => ({ team: r.team, minute: r.minute, lines: Number(r.lines), bytes: Number(r.bytes) }));
  }

  /**
   * Within one minute of one team's lines, the oldest line kept when what is kept of
   * that minute (newest first) must fit in `keepBytes`, each line counting its text and
   * `overheadBytes`: lines before it go. Null when no line of the minute fits.
   */
  async oldestKeptWithinMinute(team: string, minute: string, keepBytes: number, overheadBytes: number): Promise<string | null> {
    const rows: { ts: string | null }[] = await storeCall(() =>
      this.dataSource.query(
        `select to_char(min(ts) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as ts from (
           select ts, sum(octet_length(line) + $4) over (order by ts desc, container_id desc, stream desc, seq desc) as kept
             from agent_log_lines where ${teamIs('$1')} and ts >= $2::timestamptz and ts < $2::timestamptz + interval '1 minute') m
          where kept <= $3`,
        [team, minute, keepBytes, overheadBytes],
      ),
    );
    return rows[0]?.ts ?? null;
  }

  /** Deletes at most `limit` lines of this team ('' = none) older than `before`; returns how many. */
  async deleteBefore(team: string, before: string, limit: number): Promise<number> {
    const result: unknown = await storeCall(() =>
      this.dataSource.query(`delete from agent_log_lines where ctid = any(array(select ctid from agent_log_lines where ts < $2::timestamptz and ${teamIs('$1')} limit $3))`, [
        team,
        before,
        limit,
      ]),
    );
    return affected(result);
  }

  /** Cursors of containers not read since `before` (gone, or stopped for longer than lines are kept). */
  async deleteCursorsBefore(before: string): Promise<number> {
    return affected(await storeCall(() => this.dataSource.query('delete from agent_log_cursors where updated_at < $1::timestamptz', [before])));
  }
}

/** '' stands for lines without a team: `team is null` keeps the index usable. */
const teamIs = (param: string) => `(case when ${param}::text = '' then team is null else team = ${param}::text end)`;

/** TypeORM's `query` answers a DML statement with [rows, affected count]. */
function affected(result: unknown): number {
  if (Array.isArray(result) && typeof result[1] === 'number') return result[1];
  return 0;
}
