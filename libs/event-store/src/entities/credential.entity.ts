import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user who signs in with a password, kept as an argon2id hash (migration 011); events carry the name and role only. */
@Entity({ name: 'user_credentials', synchronize: false })
export class UserCredentialEntity {
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ type: 'text', unique: true })
  name!: string;

  @Column({ type: 'text' })
  role!: 'viewer' | 'operator' | 'admin';

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  updatedAt!: Date;
}

/** An API token (migration 011): the SHA-256 of the token, never the token itself. */
@Entity({ name: 'api_tokens', synchronize: false })
export class ApiTokenEntity {
  @PrimaryColumn({ name: 'token_id', type: 'text' })
  tokenId!: string;

  @Column({ name: 'token_hash', type: 'bytea', unique: true })
  tokenHash!: Buffer;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  role!: 'viewer' | 'operator' | 'admin';

  @Column({ name: 'user_name', type: 'text', nullable: true })
  userName!: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
