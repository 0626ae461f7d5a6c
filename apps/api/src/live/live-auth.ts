import type { IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';

export type LiveRole = 'viewer' | 'operator' | 'admin';

/** Who a live connection is from: the part of the API's Principal the live endpoint uses. */
export interface LivePrincipal {
  kind: 'user' | 'token';
  id: string;
  name: string;
  role: LiveRole;
}

/**
 * How the live endpoint checks a credential, at the upgrade and every second after:
 * the API's AuthService (`authenticate(headers)`, against Postgres on every call, so
 * a revoked token or an ended session is seen at once on every replica). A port of
 * its own so the WebSocket code does not depend on how auth is built.
 */
@Injectable()
export abstract class LiveAuth {
  abstract authenticate(headers: IncomingHttpHeaders): Promise<LivePrincipal | null>;
}

const RANK: Record<LiveRole, number> = { viewer: 0, operator: 1, admin: 2 };

/** The least role that may watch the live feed. */
export const WATCH_ROLE: LiveRole = 'viewer';

export const mayWatch = (role: string): boolean => role in RANK && RANK[role as LiveRole] >= RANK[WATCH_ROLE];

/** A Bearer token in the request: the credential is then that token alone (no cookie, so no Origin check is needed). */
export const hasBearer = (headers: IncomingHttpHeaders): boolean => /^Bearer\s+\S/i.test(headers.authorization ?? '');

/**
 * Cross-site WebSocket hijacking: a browser sends the session cookie with a WebSocket
 * opened by any page, so a cookie-authenticated upgrade must come from a page of this
 * host (`Origin`'s host equals `Host`), or from an origin listed in
 * API_LIVE_ALLOWED_ORIGINS (comma-separated, e.g. a dashboard behind a proxy).
 */
export function originAllowed(headers: IncomingHttpHeaders, allowed: readonly string[]): boolean {
  const origin = headers.origin;
  if (!origin) return false;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === headers.host;
  } catch {
    return false;
  }
}
