import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { CredentialVerifier, SessionRepository } from '@sacp/event-store';
import type { JsonLogger } from '@sacp/platform';
import { LOGGER } from '@sacp/platform/nest';
import type { Principal } from './principal';
import { readBearer, readCookie, SESSION_COOKIE } from './session-cookie';

/**
 * Finds who a request is from, on every request and against Postgres (nothing cached,
 * so a revoked token or an ended session stops working at once on every replica):
 * `Authorization: Bearer <API token>`, else the session cookie. A request carrying a
 * bearer token is judged by it alone.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly verifier: CredentialVerifier,
    private readonly sessions: SessionRepository,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  async authenticate(headers: IncomingHttpHeaders): Promise<Principal | null> {
    const bearer = readBearer(headers);
    if (bearer !== null) {
      const v = await this.verifier.verifyToken(bearer);
      if (!v.ok) {
        this.log.info('API token refused', { refusal: v.refusal });
        return null;
      }
      const p = v.principal;
      return p.kind === 'token' ? { kind: 'token', id: p.tokenId, name: p.name, role: p.role, via: 'bearer', user: p.user } : null;
    }
    const sessionId = readCookie(headers, SESSION_COOKIE);
    if (sessionId === null) return null;
    const s = await this.sessions.find(sessionId);
    return s ? { kind: 'user', id: s.userId, name: s.name, role: s.role, via: 'session', csrfToken: s.csrfToken } : null;
  }
}
