import type { Pool } from 'pg';
import type { Actor } from '@sacp/events';
import { checkBinding, type CommandBinding, type StoredCommand } from './command-binding';

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

  /**
   * Stores a domain rejection as the command's final outcome, so a duplicate is
   * rejected the same way. When the id was taken first by a twin, its outcome stands;
   * when it was taken by another command, CommandIdReusedError.
   */
  async recordRejection(commandId: string, binding: CommandBinding, reply: unknown): Promise<{ first: boolean; reply: unknown }> {
    // xmax = 0 only for a freshly inserted row: otherwise an earlier outcome of this command id stands
    const { rows } = await this.pool.query<{
      reply: unknown;
      first: boolean;
      outcome: string;
      command_type: string;
      payload_hash: string | null;
      actor_kind: string | null;
      recorded_at: Date;
    }>(
      `insert into commands (command_id, command_type, outcome, reply, payload_hash, actor_kind) values ($1, $2, 'rejected', $3, $4, $5)
       on conflict (command_id) do update set command_id = commands.command_id
       returning reply, (xmax = 0) as first, outcome, command_type, payload_hash, actor_kind, recorded_at`,
      [commandId, binding.commandType, JSON.stringify(reply), binding.payloadHash, binding.actorKind],
    );
    const r = rows[0];
    if (!r || r.first) return { first: true, reply: r?.reply ?? reply };
    const first: StoredCommand = {
      outcome: r.outcome,
      reply: r.reply,
      commandType: r.command_type,
      payloadHash: r.payload_hash,
      actorKind: r.actor_kind,
      recordedAt: r.recorded_at.toISOString(),
    };
    checkBinding(commandId, first, binding);
    return { first: false, reply: r.reply };
  }
}
