import { randomUUID } from 'node:crypto';
import { type EventMetadata, type StoredEvent, eventDataProblems } from '@sacp/events';
import { ConcurrencyError } from '../errors';
import { uuidv7 } from '../ids';
import { checkBinding, type CommandBinding, type StoredCommand } from '../command-binding';
import { EventStore, START, type AppendOutcome, type AppendRequest, type Checkpoint, type CommandRecord, type PendingEvent, type StoreTransaction } from '../event-store.port';

/** A deep copy, as a round trip through Postgres's jsonb would give: nothing handed out shares state with the store. */
const copy = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

const after = (e: StoredEvent, cp: Checkpoint): boolean => {
  const t = BigInt(e.transactionId);
  const c = BigInt(cp.transactionId);
  return t > c || (t === c && BigInt(e.globalPosition) > BigInt(cp.globalPosition));
};

/**
 * The event store in memory: the same guarantees as PgEventStore (optimistic
 * concurrency, idempotent command ids bound to their command, atomic multi-stream
 * appends, one global order, checkpoints), proven by the same contract tests, for
 * tests and tools that need no database. Each append is its own "transaction": its
 * events share a transaction id, and transaction ids grow with every append.
 *
 * It holds no SQL tables, so work that must commit with an append
 * (`alsoInTransaction`, e.g. an encrypted secret) is refused, never silently skipped.
 */
export class InMemoryEventStore extends EventStore {
  private readonly events: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly commands = new Map<string, StoredCommand>();
  private readonly checkpoints = new Map<string, Checkpoint>();
  private readonly id = randomUUID();
  private transactions = 0n;

  async append(appends: AppendRequest[], metadata: EventMetadata, command?: CommandRecord, alsoInTransaction?: (tx: StoreTransaction) => Promise<void>): Promise<AppendOutcome> {
    if (alsoInTransaction)
      throw new Error('InMemoryEventStore cannot run SQL work inside an append (alsoInTransaction): use PgEventStore for commands that write tables with their events');
    const pending: PendingEvent[] = [];
    const planned = appends.map((a) => ({
      ...a,
      events: a.events.map((e, i) => {
        const problem = eventDataProblems(e.type, e.schemaVersion, e.data);
        if (problem) throw new Error(`refusing to store an event that breaks its contract: ${problem}`);
        const eventId = uuidv7();
        pending.push({ eventId, type: e.type, streamId: a.streamId, streamPosition: a.expectedVersion + i + 1 });
        return { ...e, eventId };
      }),
    }));
    const reply = command ? command.buildReply(pending) : null;
    if (command) {
      const seen = this.commands.get(command.commandId);
      if (seen) {
        checkBinding(command.commandId, seen, { commandType: command.commandType, payloadHash: command.payloadHash ?? null, actorKind: command.actorKind ?? null });
        return { duplicate: true, reply: copy(seen.reply) };
      }
    }
    // every stream is checked before anything is written: one conflict leaves every stream as it was
    const versions = new Map<string, number>();
    for (const a of planned) {
      if (!a.events.length) continue;
      const actual = versions.get(a.streamId) ?? this.streams.get(a.streamId)?.length ?? 0;
      if (actual !== a.expectedVersion) throw new ConcurrencyError(a.streamId, a.expectedVersion, actual);
      versions.set(a.streamId, actual + a.events.length);
    }
    const transactionId = String(++this.transactions);
    const recordedAt = new Date().toISOString();
    const stored: StoredEvent[] = [];
    for (const a of planned)
      a.events.forEach((e, i) => {
        const event: StoredEvent = {
          eventId: e.eventId,
          type: e.type,
          schemaVersion: e.schemaVersion,
          streamId: a.streamId,
          streamPosition: a.expectedVersion + i + 1,
          globalPosition: String(this.events.length + 1),
          transactionId,
          data: copy(e.data),
          metadata: copy(metadata),
          recordedAt,
        };
        this.events.push(event);
        const stream = this.streams.get(a.streamId) ?? [];
        stream.push(event);
        this.streams.set(a.streamId, stream);
        stored.push(copy(event));
      });
    if (command)
      this.commands.set(command.commandId, {
        outcome: 'accepted',
        reply: copy(reply),
        commandType: command.commandType,
        payloadHash: command.payloadHash ?? null,
        actorKind: command.actorKind ?? null,
        recordedAt,
      });
    if (stored.length) this.appended([...new Set(stored.map((e) => e.streamId))]);
    return { duplicate: false, events: stored, reply };
  }

  async readStream(streamId: string): Promise<StoredEvent[]> {
    return copy(this.streams.get(streamId) ?? []);
  }

  async readStreamRange(streamId: string, from: number, to: number, limit: number): Promise<StoredEvent[]> {
    return copy((this.streams.get(streamId) ?? []).filter((e) => e.streamPosition >= from && e.streamPosition <= to).slice(0, limit));
  }

  async readStreamsByPrefix(prefix: string, maxStreams: number): Promise<StoredEvent[]> {
    const ids = new Set(
      [...this.streams.keys()]
        .filter((id) => id.startsWith(prefix))
        .sort()
        .slice(0, maxStreams),
    );
    return copy(this.events.filter((e) => ids.has(e.streamId)));
  }

  async streamVersion(streamId: string): Promise<number> {
    return this.streams.get(streamId)?.length ?? 0;
  }

  async readAll(from: Checkpoint, limit = 500): Promise<StoredEvent[]> {
    // appends are serial here: global positions already follow the transactions' order
    return copy(this.events.filter((e) => after(e, from)).slice(0, limit));
  }

  async countAfter(checkpoint: Checkpoint, cap: number): Promise<number> {
    return Math.min(cap, this.events.filter((e) => after(e, checkpoint)).length);
  }

  async readCheckpoint(name: string): Promise<Checkpoint> {
    return { ...(this.checkpoints.get(name) ?? START) };
  }

  async writeCheckpoint(name: string, checkpoint: Checkpoint): Promise<void> {
    this.checkpoints.set(name, { ...checkpoint });
  }

  async findCommand(commandId: string): Promise<StoredCommand | null> {
    const seen = this.commands.get(commandId);
    return seen ? copy(seen) : null;
  }

  async recordRejection(commandId: string, binding: CommandBinding, reply: unknown): Promise<{ first: boolean; reply: unknown }> {
    const seen = this.commands.get(commandId);
    if (!seen) {
      this.commands.set(commandId, { outcome: 'rejected', reply: copy(reply), ...binding, recordedAt: new Date().toISOString() });
      return { first: true, reply };
    }
    checkBinding(commandId, seen, binding);
    return { first: false, reply: copy(seen.reply) };
  }

  async storeId(): Promise<string> {
    return this.id;
  }
}
