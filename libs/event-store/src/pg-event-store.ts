import type { Pool, PoolClient } from 'pg';
import type { StoredEvent, NewEvent } from '../../events/src/event-envelope';
import { eventDataProblems } from '../../events/src/events';
import type { EventMetadata } from '../../events/src/metadata';
import { ConcurrencyError, StoreUnavailableError, isConnectionError } from './errors';
import { uuidv7 } from './ids';
import { EarlyReturn, inTransaction } from './with-client';

export interface AppendRequest {
  streamId: string;
  expectedVersion: number;
  events: NewEvent[];
}

/** Records the command's outcome with its events, so a duplicate gets the same reply. */
export interface CommandRecord {
  commandId: string;
  commandType: string;
  buildReply: (events: StoredEvent[]) => unknown;
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
  constructor(readonly pool: Pool) {}

  async readStream(streamId: string, client?: PoolClient): Promise<StoredEvent[]> {
    const { rows } = await this.run((c) =>
      c.query<EventRow>(`select ${COLUMNS} from events where stream_id = $1 order by stream_position`, [streamId]), client);
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

  /** The stored reply of a command id already processed, or null. */
  async findCommand(commandId: string): Promise<{ outcome: string; reply: unknown } | null> {
    const { rows } = await this.run((c) => c.query<{ outcome: string; reply: unknown }>('select outcome, reply from commands where command_id = $1', [commandId]));
    return rows[0] ?? null;
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
    if (command) {
      const seen = await this.findCommand(command.commandId);
      if (seen) return { duplicate: true, reply: seen.reply };
    }
    try {
      return await inTransaction(this.pool, async (client) => {
        const stored: StoredEvent[] = [];
        for (const a of appends) stored.push(...(await this.appendOne(client, a, metadata)));
        if (alsoInTransaction) await alsoInTransaction(client);
        let reply: unknown = null;
        if (command) {
          reply = command.buildReply(stored);
          const ins = await client.query(
            `insert into commands (command_id, command_type, outcome, reply) values ($1, $2, 'accepted', $3) on conflict (command_id) do nothing`,
            [command.commandId, command.commandType, JSON.stringify(reply)],
          );
          // a concurrent twin of this command committed first: roll back, its outcome stands
          if (ins.rowCount === 0) throw new EarlyReturn(null);
        }
        return { duplicate: false as const, events: stored, reply };
      });
    } catch (err) {
      if (command && (err instanceof EarlyReturn || err instanceof ConcurrencyError)) {
        // the conflict may be this very command, committed by a concurrent twin
        const seen = await this.findCommand(command.commandId);
        if (seen) return { duplicate: true, reply: seen.reply };
      }
      throw err;
    }
  }

  private async appendOne(client: PoolClient, a: AppendRequest, metadata: EventMetadata): Promise<StoredEvent[]> {
    if (a.events.length === 0) return [];
    for (const e of a.events) {
      const problem = eventDataProblems(e.type, e.schemaVersion, e.data);
      if (problem) throw new Error(`refusing to store an event that breaks its contract: ${problem}`);
    }
    const next = a.expectedVersion + a.events.length;
    const res =
      a.expectedVersion === 0
        ? await client.query('insert into streams (stream_id, version) values ($1, $2) on conflict (stream_id) do nothing', [a.streamId, next])
        : await client.query('update streams set version = $3 where stream_id = $1 and version = $2', [a.streamId, a.expectedVersion, next]);
    if (res.rowCount !== 1) {
      const { rows } = await client.query<{ version: number }>('select version from streams where stream_id = $1', [a.streamId]);
      throw new ConcurrencyError(a.streamId, a.expectedVersion, rows[0]?.version ?? 0);
    }
    const values: unknown[] = [];
    const tuples = a.events.map((e, i) => {
      values.push(a.streamId, a.expectedVersion + i + 1, uuidv7(), e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(metadata));
      const b = i * 7;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
    });
    const { rows } = await client.query<EventRow>(
      `insert into events (stream_id, stream_position, event_id, type, schema_version, data, metadata) values ${tuples.join(', ')} returning ${COLUMNS}`,
      values,
    );
    return rows.map(toStoredEvent);
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
