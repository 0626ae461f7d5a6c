import type { Pool, PoolClient } from 'pg';
import { type StoredEvent, type NewEvent, eventDataProblems, type EventMetadata } from '@sacp/events';
import { ConcurrencyError, StoreUnavailableError, isConnectionError } from './errors';
import { uuidv7 } from './ids';
import { inTransaction } from './with-client';
import { checkBinding, type StoredCommand } from './command-binding';

export interface AppendRequest {
  streamId: string;
  expectedVersion: number;
  events: NewEvent[];
}

/** Records the command's outcome with its events, so a duplicate gets the same reply. */
export interface CommandRecord {
  commandId: string;
  commandType: string;
  /** what else binds the id: another command under it is refused, not taken for a duplicate */
  payloadHash?: string | null;
  actorKind?: string | null;
  /** the reply is stored with the events, so it is built from what is known before the insert */
  buildReply: (events: PendingEvent[]) => unknown;
}

/** An event about to be appended: its id and stream position are chosen before the insert. */
export interface PendingEvent {
  eventId: string;
  type: string;
  streamId: string;
  streamPosition: number;
}

/** Where a reader is in the commit-safe global order. */
export interface Checkpoint {
  transactionId: string;
  globalPosition: string;
}
export const START: Checkpoint = { transactionId: '0', globalPosition: '0' };

interface EventRow {
  global_position: string;
  stream_id: string;
  stream_position: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
  transaction_id: string;
}

const COLUMNS = 'global_position, stream_id, stream_position, event_id, type, schema_version, data, metadata, recorded_at, transaction_id::text as transaction_id';

export function toStoredEvent(r: EventRow): StoredEvent {
  return {
    eventId: r.event_id,
    type: r.type,
    schemaVersion: r.schema_version,
    streamId: r.stream_id,
    streamPosition: r.stream_position,
    globalPosition: String(r.global_position),
    transactionId: String(r.transaction_id),
    data: r.data,
    metadata: r.metadata,
    recordedAt: r.recorded_at.toISOString(),
  };
}

export type AppendOutcome = { duplicate: false; events: StoredEvent[]; reply: unknown } | { duplicate: true; reply: unknown };

/**
 * The Postgres event store. Every append is one transaction across any number of
 * streams, each checked against the version its decision was based on.
 */
export class PgEventStore {
  constructor(
    readonly pool: Pool,
    /** called after every committed append with the streams it wrote: a hint for readers to look now */
    private readonly onAppended: (streamIds: string[]) => void = () => undefined,
  ) {}

  async readStream(streamId: string, client?: PoolClient): Promise<StoredEvent[]> {
    const { rows } = await this.run((c) => c.query<EventRow>(`select ${COLUMNS} from events where stream_id = $1 order by stream_position`, [streamId]), client);
    return rows.map(toStoredEvent);
  }

  /** Events of a stream at positions from..to (inclusive), at most `limit`: one page without reading the whole stream. */
  async readStreamRange(streamId: string, from: number, to: number, limit: number): Promise<StoredEvent[]> {
    const { rows } = await this.run((c) =>
      c.query<EventRow>(`select ${COLUMNS} from events where stream_id = $1 and stream_position between $2 and $3 order by stream_position limit $4`, [streamId, from, to, limit]),
    );
    return rows.map(toStoredEvent);
  }

  /** Folds a stream into state; the state's version is the number of events read. */
  async aggregate<S>(streamId: string, evolve: (s: S, e: StoredEvent) => S, initial: S): Promise<S> {
    return (await this.readStream(streamId)).reduce(evolve, initial);
  }

  async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.run((c) => c.query<{ version: number }>('select version from streams where stream_id = $1', [streamId]));
    return rows[0]?.version ?? 0;
  }

  private storeIdCache: Promise<string> | null = null;

  /** This store's own identity (migration 010): the `sacp.store` label of every container it manages. */
  storeId(): Promise<string> {
    this.storeIdCache ??= this.run((c) => c.query<{ store_id: string }>('select store_id from store_identity')).then(({ rows }) => {
      if (!rows[0]) throw new Error('store_identity has no row: migration 010 has not run');
      return rows[0].store_id;
    });
    this.storeIdCache.catch(() => (this.storeIdCache = null));
    return this.storeIdCache;
  }

  /** The first outcome of a command id already processed and what the id is bound to, or null. */
  async findCommand(commandId: string): Promise<StoredCommand | null> {
    const { rows } = await this.run((c) =>
      c.query<{ outcome: string; reply: unknown; command_type: string; payload_hash: string | null; actor_kind: string | null; recorded_at: Date }>(
        'select outcome, reply, command_type, payload_hash, actor_kind, recorded_at from commands where command_id = $1',
        [commandId],
      ),
    );
    const r = rows[0];
    return r
      ? { outcome: r.outcome, reply: r.reply, commandType: r.command_type, payloadHash: r.payload_hash, actorKind: r.actor_kind, recordedAt: r.recorded_at.toISOString() }
      : null;
  }

  /** The first outcome of this very command, or CommandIdReusedError when the id named another command. */
  private async duplicateOf(command: CommandRecord): Promise<StoredCommand | null> {
    const seen = await this.findCommand(command.commandId);
    if (seen) checkBinding(command.commandId, seen, { commandType: command.commandType, payloadHash: command.payloadHash ?? null, actorKind: command.actorKind ?? null });
    return seen;
  }

  /**
   * Appends to every stream atomically. Throws ConcurrencyError if any stream moved
   * on; with `command`, a command id seen before returns its first reply instead.
   */
  async append(
    appends: AppendRequest[],
    metadata: EventMetadata,
    command?: CommandRecord,
    /** more writes that must commit or fail with the events (e.g. an encrypted secret) */
    alsoInTransaction?: (client: PoolClient) => Promise<void>,
  ): Promise<AppendOutcome> {
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
    const sql = `select ${COLUMNS} from sacp_append($1, $2, $3, $4, $5, $6, $7)`;
    try {
      const rows = alsoInTransaction
        ? await inTransaction(this.pool, async (client) => {
            const r = await client.query<EventRow>(sql, params);
            await alsoInTransaction(client);
            return r.rows;
          })
        : (await this.run((c) => c.query<EventRow>(sql, params))).rows;
      const events = rows.map(toStoredEvent);
      if (events.length) this.onAppended([...new Set(events.map((e) => e.streamId))]);
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
   * from its checkpoint can never skip an event that commits late.
   */
  async readAll(after: Checkpoint, limit = 500, client?: PoolClient): Promise<StoredEvent[]> {
    const { rows } = await this.run(
      (c) =>
        c.query<EventRow>(
          `select ${COLUMNS} from events
            where (transaction_id, global_position) > ($1::xid8, $2::bigint)
              and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            order by events.transaction_id, events.global_position
            limit $3`,
          [after.transactionId, after.globalPosition, limit],
        ),
      client,
    );
    return rows.map(toStoredEvent);
  }

  async readCheckpoint(name: string, client?: PoolClient): Promise<Checkpoint> {
    const { rows } = await this.run(
      (c) => c.query<{ t: string; p: string }>('select transaction_id::text as t, global_position::text as p from checkpoints where name = $1', [name]),
      client,
    );
    return rows[0] ? { transactionId: rows[0].t, globalPosition: rows[0].p } : START;
  }

  async writeCheckpoint(name: string, cp: Checkpoint, client?: PoolClient): Promise<void> {
    await this.run(
      (c) =>
        c.query(
          `insert into checkpoints (name, transaction_id, global_position) values ($1, $2::xid8, $3)
           on conflict (name) do update set transaction_id = excluded.transaction_id, global_position = excluded.global_position, updated_at = clock_timestamp()`,
          [name, cp.transactionId, cp.globalPosition],
        ),
      client,
    );
  }

  private async run<T>(fn: (c: Pool | PoolClient) => Promise<T>, client?: PoolClient): Promise<T> {
    try {
      return await fn(client ?? this.pool);
    } catch (err) {
      if (isConnectionError(err)) throw new StoreUnavailableError(err);
      throw err;
    }
  }
}

export const checkpointOf = (e: StoredEvent): Checkpoint => ({ transactionId: e.transactionId, globalPosition: e.globalPosition });
