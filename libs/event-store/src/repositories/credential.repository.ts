import type { DataSource, EntityManager } from 'typeorm';
import { In, IsNull } from 'typeorm';
import { ApiTokenEntity, UserCredentialEntity } from '../entities/credential.entity';

type Role = 'viewer' | 'operator' | 'admin';

/** A user as listed: never the hash. */
export interface UserRecord {
  userId: string;
  name: string;
  role: Role;
  createdAt: string;
}

/** A token as listed: never the hash. */
export interface ApiTokenRecord {
  tokenId: string;
  name: string;
  role: Role;
  user: string | null;
  expiresAt: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const tokenRecord = (t: ApiTokenEntity): ApiTokenRecord => ({
  tokenId: t.tokenId,
  name: t.name,
  role: t.role,
  user: t.userName,
  expiresAt: iso(t.expiresAt),
  createdAt: t.createdAt.toISOString(),
  revokedAt: iso(t.revokedAt),
  lastUsedAt: iso(t.lastUsedAt),
});

/**
 * Password hashes and API token hashes (migration 011). Writes take the append's
 * transaction (`tx`), so they commit with their events or not at all.
 */
export class CredentialRepository {
  constructor(private readonly dataSource: DataSource) {}

  async addUser(tx: EntityManager | undefined, user: { userId: string; name: string; role: Role; passwordHash: string }): Promise<void> {
    await (tx ?? this.dataSource.manager).insert(UserCredentialEntity, user);
  }

  async setRole(tx: EntityManager | undefined, name: string, role: Role): Promise<void> {
    await (tx ?? this.dataSource.manager).update(UserCredentialEntity, { name }, { role, updatedAt: () => 'clock_timestamp()' });
  }

  /** A new password hash; every session of the user ends with it (migration 012). */
  async setPassword(tx: EntityManager | undefined, userId: string, passwordHash: string): Promise<void> {
    const m = tx ?? this.dataSource.manager;
    await m.update(UserCredentialEntity, { userId }, { passwordHash, updatedAt: () => 'clock_timestamp()' });
    await m.query('delete from api_sessions where user_id = $1', [userId]);
  }

  async removeUser(tx: EntityManager | undefined, name: string): Promise<void> {
    await (tx ?? this.dataSource.manager).delete(UserCredentialEntity, { name });
  }

  async addToken(
    tx: EntityManager | undefined,
    token: { tokenId: string; tokenHash: Buffer; name: string; role: Role; userName: string | null; expiresAt: Date | null },
  ): Promise<void> {
    await (tx ?? this.dataSource.manager).insert(ApiTokenEntity, token);
  }

  /** Marks tokens revoked (those not revoked yet); a revocation is final (a trigger keeps it). */
  async revokeTokens(tx: EntityManager | undefined, tokenIds: string[]): Promise<void> {
    if (!tokenIds.length) return;
    await (tx ?? this.dataSource.manager).update(ApiTokenEntity, { tokenId: In(tokenIds), revokedAt: IsNull() }, { revokedAt: () => 'clock_timestamp()' });
  }

  async listUsers(): Promise<UserRecord[]> {
    const rows = await this.dataSource.manager.find(UserCredentialEntity, { select: { userId: true, name: true, role: true, createdAt: true }, order: { name: 'ASC' } });
    return rows.map((u) => ({ userId: u.userId, name: u.name, role: u.role, createdAt: u.createdAt.toISOString() }));
  }

  /** Tokens newest first; revoked ones only with `all`. */
  async listTokens(all = false): Promise<ApiTokenRecord[]> {
    const rows = await this.dataSource.manager.find(ApiTokenEntity, {
      select: { tokenId: true, name: true, role: true, userName: true, expiresAt: true, createdAt: true, revokedAt: true, lastUsedAt: true },
      where: all ? {} : { revokedAt: IsNull() },
      order: { createdAt: 'DESC', tokenId: 'ASC' },
      take: 1000,
    });
    return rows.map(tokenRecord);
  }

  /** What signing in checks of a user: its hash and role. */
  findUserForSignIn(name: string): Promise<{ userId: string; name: string; role: Role; passwordHash: string } | null> {
    return this.dataSource.manager.findOne(UserCredentialEntity, { select: { userId: true, name: true, role: true, passwordHash: true }, where: { name } });
  }

  /** The token stored under this hash, revoked or not. */
  async findTokenByHash(tokenHash: Buffer): Promise<(ApiTokenRecord & { tokenHash: Buffer; expired: boolean }) | null> {
    const rows: { token_id: string; expired: boolean }[] = await this.dataSource.manager.query(
      'select token_id, coalesce(expires_at <= clock_timestamp(), false) as expired from api_tokens where token_hash = $1',
      [tokenHash],
    );
    if (!rows[0]) return null;
    const t = await this.dataSource.manager.findOneByOrFail(ApiTokenEntity, { tokenId: rows[0].token_id });
    return { ...tokenRecord(t), tokenHash: t.tokenHash, expired: rows[0].expired };
  }

  /** Records a use of the token, at most once a minute (one write per token per minute, not per request). */
  async touchToken(tokenId: string): Promise<void> {
    await this.dataSource.manager.query(
      `update api_tokens set last_used_at = clock_timestamp()
        where token_id = $1 and revoked_at is null and (last_used_at is null or last_used_at < clock_timestamp() - interval '1 minute')`,
      [tokenId],
    );
  }
}
