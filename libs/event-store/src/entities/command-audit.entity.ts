import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Actor } from '@sacp/events';

/**
 * One command received, whatever became of it (migration 001). Append-only: the
 * services may insert and read, and a trigger refuses any update or delete.
 */
@Entity({ name: 'command_audit', synchronize: false })
export class CommandAuditEntity {
  /** bigint: Postgres hands it over as a string */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Index('command_audit_command')
  @Column({ name: 'command_id', type: 'text', nullable: true })
  commandId!: string | null;

  @Column({ name: 'command_type', type: 'text', nullable: true })
  commandType!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  actor!: Actor | null;

  @Column({ type: 'text', nullable: true })
  source!: string | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'text' })
  outcome!: string;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  payload!: Record<string, unknown> | unknown[] | string | number | boolean | null;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  recordedAt!: Date;
}
