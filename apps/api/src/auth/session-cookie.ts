import type { IncomingHttpHeaders } from 'node:http';

export const SESSION_COOKIE = 'sacp_session';
export const CSRF_HEADER = 'x-csrf-token';

/** One cookie's value from a Cookie header, or null. Bounded: a header over 8 KiB is not read. */
export function readCookie(headers: IncomingHttpHeaders, name: string): string | null {
  const header = headers.cookie;
  if (!header || header.length > 8192) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** The token of `Authorization: Bearer <token>`, or null. */
export function readBearer(headers: IncomingHttpHeaders): string | null {
  const header = headers.authorization;
  if (!header || header.length > 1024) return null;
  const m = /^Bearer[ ]+(\S+)$/i.exec(header);
  return m ? m[1]! : null;
}

/**
 * The Set-Cookie value of a session: HttpOnly (no script reads it), SameSite=Strict
 * (no other site's page sends it), Secure unless turned off for plain-HTTP loopback.
 */
export function sessionCookie(value: string, o: { secure: boolean; maxAgeMs: number }): string {
  const attrs = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.max(0, Math.floor(o.maxAgeMs / 1000))}`];
  if (o.secure) attrs.push('Secure');
  return attrs.join('; ');
}

export const clearedSessionCookie = (secure: boolean): string => sessionCookie('', { secure, maxAgeMs: 0 });
