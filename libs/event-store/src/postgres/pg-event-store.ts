import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { type EventMetadata, type StoredEvent, eventDataProblems } from '@sacp/events';
import { ConcurrencyError } from '../errors';
import { uuidv7 } from '../ids';
import { checkBinding, type CommandBinding, type StoredCommand } from '../command-binding';
import { inTransaction, storeCall } from '../database/transaction';
import { EventStore, type AppendOutcome, type AppendRequest, type Checkpoint, type CommandRecord, type PendingEvent, type StoreTransaction } from '../event-store.port';
import { CheckpointRepository } from '../repositories/checkpoint.repository';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from './event-rows';

interface CommandRow {
  outcome: string;
  reply: unknown;
  command_type: string;
  payload_hash: string | null;
  actor_kind: string | null;
  recorded_at: Date;
}

const toStoredCommand = (r: CommandRow): StoredCommand => ({
  outcome: r.outcome,
  reply: r.reply,
  commandType: r.command_type,
  payloadHash: r.payload_hash,
  actorKind: r.actor_kind,
  recordedAt: r.recorded_at.toISOString(),
});

const APPEND_SQL = `select ${EVENT_COLUMNS} from sacp_append($1, $2, $3, $4, $5, $6, $7)`;

/**
 * The Postgres event store. Every append is one transaction across any number of
 * streams, each checked against the version its decision was based on, in one round
 * trip (the `sacp_append` function, migrations 004 and 008). The append and the
 * commit-order reader are the hot paths: hand-written SQL, run through the service's
 * one DataSource (`dataSource.query`, or the transaction's EntityManager).
 */
export class PgEventStore extends EventStore {
  private readonly checkpoints: CheckpointRepository;
  private storeIdCache: Promise<string> | null = null;

  constructor(readonly dataSource: DataSource) {
    super();
    this.checkpoints = new CheckpointRepository(dataSource);
  }

  /**
   * The DataSource's own pg pool, for the one-statement append only. TypeORM's
   * `dataSource.query` builds a QueryRunner and an EntityManager for every call, about
   * 20 µs of CPU here: 3-4% of a single writer's append, the hot path the benchmarks
   * hold to the hand-written store's figures (bench/README.md). These are the same
   * connections, with the same settings, as every other query of the DataSource; an
   * append with more work in its transaction runs on TypeORM's QueryRunner.
   */
  private get pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  private query<R>(sql: string, params: unknown[], tx?: EntityManager): Promise<R[]> {
    return storeCall(() => (tx ?? this.dataSource).query<R[]>(sql, params));
  }

  async readStream(streamId: string, tx?: EntityManager): Promise<StoredEvent[]> {
    const rows = await this.query<EventRow>(`select ${EVENT_COLUMNS} from events where stream_id = $1 order by stream_position`, [streamId], tx);
    return rows.map(toStoredEvent);
  }

  async readStreamRange(streamId: string, from: number, to: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.query<EventRow>(`select ${EVENT_COLUMNS} from events where stream_id = $1 and stream_position between $2 and $3 order by stream_position limit $4`, [
      streamId,
      from,
      to,
      limit,
    ]);
    return rows.map(toStoredEvent);
  }

  async readStreamsByPrefix(prefix: string, maxStreams: number): Promise<StoredEvent[]> {
    const rows = await this.query<EventRow>(
      `select ${EVENT_COLUMNS} from events
        where stream_id in (select stream_id from streams where stream_id like $1 order by stream_id limit $2)
        order by global_position`,
      [`${prefix.replace(/[\\%_]/g, '\\$&')}%`, maxStreams],
    );
    return rows.map(toStoredEvent);
  }

  async streamVersion(streamId: string): Promise<number> {
    const rows = await this.query<{ version: number }>('select version from streams where stream_id = $1', [streamId]);
    return rows[0]?.version ?? 0;
  }

  storeId(): Promise<string> {
    this.storeIdCache ??= this.query<{ store_id: string }>('select store_id from store_identity', []).then((rows) => {
      if (!rows[0]) throw new Error('store_identity has no row: migration 010 has not run');
      return rows[0].store_id;
    });
    this.storeIdCache.catch(() => (this.storeIdCache = null));
    return this.storeIdCache;
  }

  async findCommand(commandId: string): Promise<StoredCommand | null> {
    const rows = await this.query<CommandRow>('select outcome, reply, command_type, payload_hash, actor_kind, recorded_at from commands where command_id = $1', [commandId]);
    return rows[0] ? toStoredCommand(rows[0]) : null;
  }

  async recordRejection(commandId: string, binding: CommandBinding, reply: unknown): Promise<{ first: boolean; reply: unknown }> {
    // xmax = 0 only for a freshly inserted row: otherwise an earlier outcome of this command id stands
    const rows = await this.query<CommandRow & { first: boolean }>(
      `insert into commands (command_id, command_type, outcome, reply, payload_hash, actor_kind) values ($1, $2, 'rejected', $3, $4, $5)
       on conflict (command_id) do update set command_id = commands.command_id
       returning reply, (xmax = 0) as first, outcome, command_type, payload_hash, actor_kind, recorded_at`,
      [commandId, binding.commandType, JSON.stringify(reply), binding.payloadHash, binding.actorKind],
    );
    const r = rows[0];
    if (!r || r.first) return { first: true, reply: r?.reply ?? reply };
    checkBinding(commandId, toStoredCommand(r), binding);
    return { first: false, reply: r.reply };
  }

  /** The first outcome of this very command, or CommandIdReusedError when the id named another command. */
  private async duplicateOf(command: CommandRecord): Promise<StoredCommand | null> {
    const seen = await this.findCommand(command.commandId);
    if (seen) checkBinding(command.commandId, seen, { commandType: command.commandType, payloadHash: command.payloadHash ?? null, actorKind: command.actorKind ?? null });
    return seen;
  }

  async append(appends: AppendRequest[], metadata: EventMetadata, command?: CommandRecord, alsoInTransaction?: (tx: StoreTransaction) => Promise<void>): Promise<AppendOutcome> {
    const pending: PendingEvent[] = [];
    const payload = appends.map((a) => ({
      streamId: a.streamId,
      expectedVersion: a.expectedVersion,
      events: a.events.map((e, i) => {
        const problem = eventDataProblems(e.type, e.schemaVersion, e.data);
        if (problem) throw new Error(`refusing to store an event that breaks its contract: ${problem}`);
        const eventId = uuidv7();
        pending.push({ eventId, type: e.type, streamId: a.streamId, streamPosition: a.expectedVersion + i + 1 });
        return { eventId, type: e.type, schemaVersion: e.schemaVersion, data: e.data };
      }),
    }));
    const reply = command ? command.buildReply(pending) : null;
    const params = [
      JSON.stringify(payload),
      JSON.stringify(metadata),
      command?.commandId ?? null,
      command?.commandType ?? null,
      JSON.stringify(reply),
      command?.payloadHash ?? null,
      command?.actorKind ?? null,
    ];
    try {
      const rows = alsoInTransaction
        ? await inTransaction(this.dataSource, async (tx) => {
            const r = await tx.query<EventRow[]>(APPEND_SQL, params);
            await alsoInTransaction(tx);
            return r;
          })
        : (await storeCall(() => this.pool.query<EventRow>(APPEND_SQL, params))).rows;
      const events = rows.map(toStoredEvent);
      if (events.length) this.appended([...new Set(events.map((e) => e.streamId))]);
      return { duplicate: false, events, reply };
    } catch (err) {
      const e = err as { code?: string; detail?: string };
      if (e.code === 'SA409') {
        const d = JSON.parse(e.detail ?? '{}') as { streamId: string; expected: number; actual: number };
        const conflict = new ConcurrencyError(d.streamId, d.expected, d.actual);
        if (!command) throw conflict;
        // the conflict may be this very command, committed by a concurrent twin (or another command under its id)
        const seen = await this.duplicateOf(command);
        if (seen) return { duplicate: true, reply: seen.reply };
        throw conflict;
      }
      if (e.code === 'SA208' && command) {
        const seen = await this.duplicateOf(command);
        return { duplicate: true, reply: seen?.reply };
      }
      throw err;
    }
  }

  /**
   * Reads committed events after `after` in commit-safe order: only transactions
   * older than the oldest one still running are visible, so a reader that resumes
   * from its checkpoint can never skip an event that commits late. Inside `tx` when
   * given (the projector reads and applies in one transaction).
   */
  async readAll(after: Checkpoint, limit = 500, tx?: EntityManager): Promise<StoredEvent[]> {
    const rows = await this.query<EventRow>(
      `select ${EVENT_COLUMNS} from events
        where (transaction_id, global_position) > ($1::xid8, $2::bigint)
          and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        order by events.transaction_id, events.global_position
        limit $3`,
      [after.transactionId, after.globalPosition, limit],
      tx,
    );
    return rows.map(toStoredEvent);
  }

  /**
   * How many events were appended after `checkpoint` (committed or not yet visible in
   * commit order), counting at most `cap`: how far a reader at that checkpoint lags.
   */
  async countAfter(checkpoint: Checkpoint, cap: number): Promise<number> {
    const rows = await this.query<{ n: number }>(
      'select count(*)::int as n from (select 1 from events where (transaction_id, global_position) > ($1::xid8, $2::bigint) limit $3) behind',
      [checkpoint.transactionId, checkpoint.globalPosition, cap],
    );
    return rows[0]?.n ?? 0;
  }

  readCheckpoint(name: string, tx?: EntityManager): Promise<Checkpoint> {
    return storeCall(() => this.checkpoints.read(name, tx));
  }

  writeCheckpoint(name: string, checkpoint: Checkpoint, tx?: EntityManager): Promise<void> {
    return storeCall(() => this.checkpoints.write(name, checkpoint, tx));
  }
}
