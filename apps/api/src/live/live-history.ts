import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { StoredEvent } from '@sacp/events';
import { PgEventStore } from '@sacp/event-store';
import { START, type Position } from './resume-cursor';

/**
 * What the live endpoint reads from Postgres: the events after a position (the
 * store's gap-safe `readAll`), where a client's `?from=` position is in the
 * commit-safe order, and which agents a subscription's names stand for.
 */
@Injectable()
export class LiveHistory {
  private readonly store: PgEventStore;

  constructor(private readonly dataSource: DataSource) {
    this.store = new PgEventStore(dataSource);
  }

  readAfter(position: Position, limit: number): Promise<StoredEvent[]> {
    return this.store.readAll(position, limit);
  }

  /**
   * The full position of the event at `globalPosition` (its transaction id orders it),
   * or null when no such event exists. Position 0 is the start of the log.
   */
  async positionOf(globalPosition: string): Promise<Position | null> {
    if (globalPosition === '0') return START;
    const rows = await this.dataSource.query<{ tx: string }[]>('select transaction_id::text as tx from events where global_position = $1::bigint', [globalPosition]);
    return rows[0] ? { transactionId: rows[0].tx, globalPosition } : null;
  }

  /** The ids of the agents named (by id or by name) in `refs`, as the agent registry knows them. */
  async agentIds(refs: readonly string[]): Promise<string[]> {
    if (!refs.length) return [];
    const rows = await this.dataSource.query<{ agent_id: string }[]>('select agent_id from agent_registry where name = any($1::text[]) or agent_id = any($1::text[])', [refs]);
    return rows.map((r) => r.agent_id);
  }
}
