import type { Pool } from 'pg';
import type { Actor } from '../../events/src/metadata';

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

/** The audit trail of every command received, including those that changed nothing. */
export class CommandAudit {
  constructor(private readonly pool: Pool) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.pool.query(
      `insert into command_audit (command_id, command_type, actor, source, reason, outcome, error_code, message, payload)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        entry.commandId,
        entry.commandType,
        entry.actor ? JSON.stringify(entry.actor) : null,
        entry.source,
        entry.reason ?? null,
        entry.outcome,
        entry.errorCode ?? null,
        entry.message ?? null,
        entry.payload === undefined ? null : JSON.stringify(entry.payload),
      ],
    );
  }

  /** Stores a domain rejection as the command's final outcome, so a duplicate is rejected the same way. */
  async recordRejection(commandId: string, commandType: string, reply: unknown): Promise<{ first: boolean; reply: unknown }> {
    // xmax = 0 only for a freshly inserted row: otherwise an earlier outcome of this command id stands
    const { rows } = await this.pool.query<{ reply: unknown; first: boolean }>(
      `insert into commands (command_id, command_type, outcome, reply) values ($1, $2, 'rejected', $3)
       on conflict (command_id) do update set command_id = commands.command_id returning reply, (xmax = 0) as first`,
      [commandId, commandType, JSON.stringify(reply)],
    );
    return { first: rows[0]?.first ?? true, reply: rows[0]?.reply ?? reply };
  }
}
