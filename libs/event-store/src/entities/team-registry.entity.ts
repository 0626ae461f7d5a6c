import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per team name ever created (migration 015), written by the team registry projection; `state` is the folded team. */
@Entity({ name: 'team_registry', synchronize: false })
export class TeamRegistryEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  /** false once the team is deleted (the row stays so that a team created again folds on) */
  @Column({ type: 'boolean' })
  live!: boolean;

  @Column({ name: 'config_version', type: 'integer' })
  configVersion!: number;

  @Column({ type: 'text' })
  hash!: string;

  @Column({ name: 'member_count', type: 'integer' })
  memberCount!: number;

  @Column({ type: 'jsonb' })
  state!: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: true })
  createdAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true })
  updatedAt!: Date | null;

  @Column({ type: 'integer' })
  version!: number;
}
