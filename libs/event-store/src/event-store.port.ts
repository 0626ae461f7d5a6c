import type { EntityManager } from 'typeorm';
import type { EventMetadata, NewEvent, StoredEvent } from '@sacp/events';
import type { CommandBinding, StoredCommand } from './command-binding';

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

export const checkpointOf = (e: StoredEvent): Checkpoint => ({ transactionId: e.transactionId, globalPosition: e.globalPosition });

export type AppendOutcome = { duplicate: false; events: StoredEvent[]; reply: unknown } | { duplicate: true; reply: unknown };

/** The transaction an append runs in, for writes that must commit or fail with its events (e.g. an encrypted secret). */
export type StoreTransaction = EntityManager;

/**
 * The event store, as the rest of the control plane sees it. Implemented by
 * PgEventStore (Postgres, the only source of truth) and InMemoryEventStore (a twin
 * for tests); one contract test suite runs against both
 * (test/support/event-store-contract.ts, run by test/unit/event-store and test/integration/event-store).
 *
 * An abstract class rather than an interface so that it can be the injection token.
 */
export abstract class EventStore {
  private readonly appendListeners = new Set<(streamIds: string[]) => void>();

  /**
   * Calls `listener` after every committed append with the streams it wrote: a hint for
   * readers to look now (they poll as well). Returns the function that stops it.
   */
  onAppend(listener: (streamIds: string[]) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /** For implementations: tells the listeners after a commit. A listener that throws does not undo the append. */
  protected appended(streamIds: string[]): void {
    for (const listener of this.appendListeners)
      try {
        listener(streamIds);
      } catch {
        // a hint that failed: readers still poll
      }
  }

  /**
   * Appends to every stream atomically. Throws ConcurrencyError if any stream moved
   * on; with `command`, a command id seen before returns its first reply instead (and
   * CommandIdReusedError when the id named another command).
   */
  abstract append(
    appends: AppendRequest[],
    metadata: EventMetadata,
    command?: CommandRecord,
    /** more writes that must commit or fail with the events */
    alsoInTransaction?: (tx: StoreTransaction) => Promise<void>,
  ): Promise<AppendOutcome>;

  /** Every event of a stream, in stream order. */
  abstract readStream(streamId: string): Promise<StoredEvent[]>;

  /** Events of a stream at positions from..to (inclusive), at most `limit`: one page without reading the whole stream. */
  abstract readStreamRange(streamId: string, from: number, to: number, limit: number): Promise<StoredEvent[]>;

  /** Every event of the streams whose id starts with `prefix` (the first `maxStreams` of them by id), in global order. */
  abstract readStreamsByPrefix(prefix: string, maxStreams: number): Promise<StoredEvent[]>;

  /** The number of events in a stream: what the next append to it expects. */
  abstract streamVersion(streamId: string): Promise<number>;

  /**
   * Committed events after `after`, in commit-safe order: a reader that resumes from
   * its checkpoint never skips an event that commits late.
   */
  abstract readAll(after: Checkpoint, limit?: number): Promise<StoredEvent[]>;

  /** How many events were appended after `checkpoint`, counting at most `cap`: how far a reader there lags. */
  abstract countAfter(checkpoint: Checkpoint, cap: number): Promise<number>;

  abstract readCheckpoint(name: string): Promise<Checkpoint>;
  abstract writeCheckpoint(name: string, checkpoint: Checkpoint): Promise<void>;

  /** The first outcome of a command id already processed and what the id is bound to, or null. */
  abstract findCommand(commandId: string): Promise<StoredCommand | null>;

  /**
   * Stores a domain rejection as the command's final outcome, so a duplicate is
   * rejected the same way. When the id was taken first by a twin, its outcome stands
   * (`first: false` and that reply); when it was taken by another command,
   * CommandIdReusedError.
   */
  abstract recordRejection(commandId: string, binding: CommandBinding, reply: unknown): Promise<{ first: boolean; reply: unknown }>;

  /** This store's own identity: the `sacp.store` label of every container it manages. */
  abstract storeId(): Promise<string>;

  /** Folds a stream into state. */
  async aggregate<S>(streamId: string, evolve: (s: S, e: StoredEvent) => S, initial: S): Promise<S> {
    return (await this.readStream(streamId)).reduce(evolve, initial);
  }
}
