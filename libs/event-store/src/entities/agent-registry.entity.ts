import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The last alert raised or resolved about an agent, as the registry shows it. */
export interface RegistryAlert {
  key: string;
  state: 'open' | 'resolved';
  severity: string | null;
  cause: string | null;
  message: string;
  at: string;
}

/**
 * One row per agent: what `sacp status` shows (migrations 002 and 006 make the table).
 * Written only by the agent registry projection; `state` is the folded agent, so the
 * projection continues from exactly what a replay would produce.
 */
@Entity({ name: 'agent_registry', synchronize: false })
export class AgentRegistryEntity {
  @PrimaryColumn({ name: 'agent_id', type: 'text' })
  agentId!: string;

  @Index('agent_registry_name')
  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'template_name', type: 'text', nullable: true })
  templateName!: string | null;

  @Column({ name: 'template_version', type: 'integer', nullable: true })
  templateVersion!: number | null;

  @Column({ type: 'boolean' })
  adopted!: boolean;

  @Column({ type: 'integer' })
  generation!: number;

  @Column({ type: 'text' })
  desired!: string;

  @Column({ type: 'text' })
  observed!: string;

  @Column({ name: 'container_id', type: 'text', nullable: true })
  containerId!: string | null;

  @Column({ name: 'container_name', type: 'text', nullable: true })
  containerName!: string | null;

  @Column({ name: 'last_exit_code', type: 'integer', nullable: true })
  lastExitCode!: number | null;

  @Column({ type: 'integer' })
  restarts!: number;

  @Column({ name: 'last_error', type: 'jsonb', nullable: true })
  lastError!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: true })
  createdAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true })
  updatedAt!: Date | null;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  state!: Record<string, unknown>;

  @Column({ type: 'text', default: 'unknown' })
  health!: string;

  @Column({ name: 'last_oom_killed', type: 'boolean', default: false })
  lastOomKilled!: boolean;

  @Column({ name: 'restart_due_at', type: 'timestamptz', nullable: true })
  restartDueAt!: Date | null;

  @Column({ name: 'recovery_abandoned', type: 'boolean', default: false })
  recoveryAbandoned!: boolean;

  @Column({ name: 'last_alert', type: 'jsonb', nullable: true })
  lastAlert!: RegistryAlert | null;
}
