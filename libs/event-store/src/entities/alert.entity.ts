import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Actor } from '@sacp/events';

/** Who acknowledged an alert, when, and what they noted. */
export interface AlertAcknowledgement {
  by: Actor;
  at: string;
  note: string | null;
}

/**
 * One alert raised, open until resolved (migration 013). Written only by the alerts
 * projection; `raisePosition` is the raise's position in its stream `alert-<key>`.
 */
@Entity({ name: 'alerts', synchronize: false })
export class AlertEntity {
  /** the id of its `alert.raised` event */
  @PrimaryColumn({ name: 'alert_id', type: 'text' })
  alertId!: string;

  @Column({ type: 'text' })
  key!: string;

  @Column({ name: 'raise_position', type: 'integer' })
  raisePosition!: number;

  @Column({ type: 'text' })
  severity!: string;

  @Column({ name: 'agent_id', type: 'text', nullable: true })
  agentId!: string | null;

  @Column({ name: 'agent_name', type: 'text', nullable: true })
  agentName!: string | null;

  @Column({ type: 'text' })
  cause!: string;

  @Column({ type: 'text' })
  message!: string;

  @Column({ name: 'last_log_lines', type: 'jsonb' })
  lastLogLines!: string[];

  @Column({ name: 'raised_at', type: 'timestamptz' })
  raisedAt!: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'resolved_message', type: 'text', nullable: true })
  resolvedMessage!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  acknowledged!: AlertAcknowledgement | null;
}
