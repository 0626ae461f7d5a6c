import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The latest registered version of each template (migration 002), written by the template registry projection. */
@Entity({ name: 'template_registry', synchronize: false })
export class TemplateRegistryEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'text' })
  hash!: string;

  @Column({ type: 'text' })
  file!: string;

  @Column({ type: 'jsonb' })
  definition!: object;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
