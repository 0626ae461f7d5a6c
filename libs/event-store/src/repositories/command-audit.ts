import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '@sacp/events';
import { CommandAuditEntity } from '../entities/command-audit.entity';

export type AuditOutcome = 'accepted' | 'rejected' | 'refused' | 'duplicate' | 'conflict' | 'failed' | 'malformed';

export interface AuditEntry {
  commandId: string | null;
  commandType: string | null;
  actor: Actor | null;
  source: string | null;
  reason?: string | null;
  outcome: AuditOutcome;
  errorCode?: string | null;
  message?: string | null;
  payload?: unknown;
}

/** The audit trail of every command received, including those that changed nothing (append-only). */
export class CommandAudit {
  constructor(private readonly dataSource: DataSource) {}

  /** Records an entry; inside `tx` when given (an entry that must commit with its events). */
  async record(entry: AuditEntry, tx?: EntityManager): Promise<void> {
    await (tx ?? this.dataSource.manager)
      .createQueryBuilder()
      .insert()
      .into(CommandAuditEntity)
      .values({
        commandId: entry.commandId,
        commandType: entry.commandType,
        actor: entry.actor,
        source: entry.source,
        reason: entry.reason ?? null,
        outcome: entry.outcome,
        errorCode: entry.errorCode ?? null,
        message: entry.message ?? null,
        payload: entry.payload === undefined ? null : entry.payload,
      })
      // nothing to read back: the id and time are the database's, and a RETURNING would cost on every command
      .updateEntity(false)
      .execute();
  }
}
