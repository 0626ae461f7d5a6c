import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

type Role = 'viewer' | 'operator' | 'admin';

/** A live session: who it is now (name and role are read with it, so a change applies at once). */
export interface SessionRecord {
  userId: string;
  name: string;
  role: Role;
  csrfToken: string;
  expiresAt: Date;
}

/** The SHA-256 of a session id: what the table keeps. */
const sessionHash = (sessionId: string): Buffer => createHash('sha256').update(sessionId, 'utf8').digest();

/** Session ids are 32 random bytes, base64url: 43 characters. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Dashboard sessions (migration 012), shared by every API replica: looked up on every
 * request with the user's current name and role, so removing a user or changing
 * their password ends their sessions everywhere at once.
 */
export class SessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A new session for the user; the id goes in the cookie and is never stored. */
  async create(userId: string, ttlMs: number): Promise<{ sessionId: string; csrfToken: string; expiresAt: Date }> {
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const rows: { expires_at: Date }[] = await this.dataSource.query(
      `insert into api_sessions (session_hash, user_id, csrf_token, expires_at)
       values ($1, $2, $3, clock_timestamp() + $4 * interval '1 millisecond') returning expires_at`,
      [sessionHash(sessionId), userId, csrfToken, ttlMs],
    );
    return { sessionId, csrfToken, expiresAt: rows[0]!.expires_at };
  }

  /** The session's user as they are now, or null (unknown, expired, or its user gone). Marks it seen at most once a minute. */
  async find(sessionId: string): Promise<SessionRecord | null> {
    if (!SESSION_ID.test(sessionId)) return null;
    const hash = sessionHash(sessionId);
    const rows: { user_id: string; name: string; role: Role; csrf_token: string; expires_at: Date; stale: boolean }[] = await this.dataSource.query(
      `select s.user_id, u.name, u.role, s.csrf_token, s.expires_at, s.last_seen_at < clock_timestamp() - interval '1 minute' as stale
         from api_sessions s join user_credentials u using (user_id)
        where s.session_hash = $1 and s.expires_at > clock_timestamp()`,
      [hash],
    );
    const r = rows[0];
    if (!r) return null;
    if (r.stale) await this.dataSource.query('update api_sessions set last_seen_at = clock_timestamp() where session_hash = $1', [hash]);
    return { userId: r.user_id, name: r.name, role: r.role, csrfToken: r.csrf_token, expiresAt: r.expires_at };
  }

  async delete(sessionId: string): Promise<void> {
    if (!SESSION_ID.test(sessionId)) return;
    await this.dataSource.query('delete from api_sessions where session_hash = $1', [sessionHash(sessionId)]);
  }

  /** Removes sessions that expired (any replica may; the lookup ignores them anyway). */
  async deleteExpired(): Promise<number> {
    // through a CTE: TypeORM answers a bare DELETE with [rows, count] rather than the rows
    const rows: { n: number }[] = await this.dataSource.query(
      'with gone as (delete from api_sessions where expires_at <= clock_timestamp() returning 1) select count(*)::int as n from gone',
    );
    return rows[0]?.n ?? 0;
  }
}
