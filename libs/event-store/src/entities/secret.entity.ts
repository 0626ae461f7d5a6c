import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A secret value, encrypted at rest with AES-256-GCM (migration 003); events name it, never hold it. */
@Entity({ name: 'secrets', synchronize: false })
export class SecretEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'bytea' })
  iv!: Buffer;

  @Column({ type: 'bytea' })
  tag!: Buffer;

  @Column({ type: 'bytea' })
  ciphertext!: Buffer;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  updatedAt!: Date;
}

/** A template allowed to use a secret (migration 009); deleted with the secret. */
@Entity({ name: 'secret_grants', synchronize: false })
export class SecretGrantEntity {
  @PrimaryColumn({ name: 'secret_name', type: 'text' })
  secretName!: string;

  @PrimaryColumn({ name: 'template_name', type: 'text' })
  templateName!: string;
}
