import { timingSafeEqual } from 'node:crypto';
import type { CredentialRepository } from '../repositories/credential.repository';
import { apiTokenHash, looksLikeApiToken, passwordMatches } from './credential-hashes';

type Role = 'viewer' | 'operator' | 'admin';

/** Who a verified credential is: a user by password, or a token (for its user, if it has one). */
export type Principal = { kind: 'user'; userId: string; name: string; role: Role } | { kind: 'token'; tokenId: string; name: string; role: Role; user: string | null };

/** Why a credential was refused; only the server's logs should tell these apart, never the caller. */
export type Refusal = 'unknown' | 'wrong_password' | 'malformed' | 'revoked' | 'expired';

export type Verification = { ok: true; principal: Principal } | { ok: false; refusal: Refusal };

/**
 * Checks a password or a bearer token against the credential tables, on every
 * request (nothing is cached, so a revocation holds at once on every replica).
 * A password is checked with argon2id's verify, and an unknown user costs the same
 * verify against a decoy; a token is found by its SHA-256 and compared in constant
 * time. An expired or revoked token fails. A use is recorded at most once a minute.
 */
export class CredentialVerifier {
  constructor(private readonly credentials: CredentialRepository) {}

  async verifyPassword(name: string, password: string): Promise<Verification> {
    const user = await this.credentials.findUserForSignIn(name);
    const ok = await passwordMatches(user?.passwordHash ?? null, password);
    if (!user) return { ok: false, refusal: 'unknown' };
    if (!ok) return { ok: false, refusal: 'wrong_password' };
    return { ok: true, principal: { kind: 'user', userId: user.userId, name: user.name, role: user.role } };
  }

  async verifyToken(token: string): Promise<Verification> {
    if (!looksLikeApiToken(token)) return { ok: false, refusal: 'malformed' };
    const hash = apiTokenHash(token);
    const found = await this.credentials.findTokenByHash(hash);
    if (!found || !timingSafeEqual(found.tokenHash, hash)) return { ok: false, refusal: 'unknown' };
    if (found.revokedAt) return { ok: false, refusal: 'revoked' };
    if (found.expired) return { ok: false, refusal: 'expired' };
    await this.credentials.touchToken(found.tokenId);
    return { ok: true, principal: { kind: 'token', tokenId: found.tokenId, name: found.name, role: found.role, user: found.user } };
  }
}
