import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { CanActivate, ExecutionContext, Type } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Role } from '@sacp/events';
import { ApiCodes, ApiError } from '../http/api-error';
import { IS_PUBLIC, MIN_ROLE } from './auth.decorators';
import type { AuthService } from './auth.service';
import type { RefusalRecorder } from './refusal-recorder';
import { hasRole, type Principal } from './principal';
import { CSRF_HEADER } from './session-cookie';

type Req = { method: string; headers: IncomingHttpHeaders; principal?: Principal; route?: { path?: string }; params?: Record<string, string> };

/** Methods that change nothing: no CSRF token needed. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const sameText = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * An `Origin` or `Referer` naming another host than the request's: a page of another
 * site is making the browser send it. Absent headers pass (the CSRF token still must match).
 */
function crossSite(headers: IncomingHttpHeaders): boolean {
  const from = headers.origin ?? headers.referer;
  if (!from || from === 'null') return from === 'null';
  try {
    return new URL(from).host !== headers.host;
  } catch {
    return true;
  }
}

/**
 * Every route of the API, on every request: who is asking (AuthService), whether their
 * role is enough for the route (`@MinRole`, viewer when not said), and for a change made
 * with a session cookie, the session's CSRF token in `X-CSRF-Token` and no other site's
 * Origin. Routes marked `@Public()` and the public controllers (health, metrics:
 * given by AuthModule) are let through. The principal is left on the request.
 */
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly refusals: RefusalRecorder,
    private readonly publicControllers: ReadonlySet<Type>,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    if (this.publicControllers.has(ctx.getClass())) return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<Req>();
    const principal = await this.auth.authenticate(req.headers);
    if (!principal) throw new ApiError(401, ApiCodes.AUTH_REQUIRED, 'sign in first (POST /api/v1/auth/sign-in), or send a valid API token as "Authorization: Bearer <token>"');
    const needed = this.reflector.getAllAndOverride<Role>(MIN_ROLE, [ctx.getHandler(), ctx.getClass()]) ?? 'viewer';
    if (!hasRole(principal.role, needed)) {
      // a refused change is audited; a refused read is only answered
      if (!SAFE_METHODS.has(req.method.toUpperCase())) this.refusals.record(principal, { method: req.method, route: req.route?.path ?? '', params: req.params ?? {} }, needed);
      throw new ApiError(403, ApiCodes.ROLE_FORBIDDEN, `this needs the ${needed} role; you have ${principal.role}. Ask an admin for a higher role`, {
        needed,
        held: principal.role,
      });
    }
    if (principal.via === 'session' && !SAFE_METHODS.has(req.method.toUpperCase())) {
      const sent = req.headers[CSRF_HEADER];
      if (crossSite(req.headers) || typeof sent !== 'string' || !sameText(sent, principal.csrfToken))
        throw new ApiError(
          403,
          ApiCodes.CSRF_INVALID,
          'this change lacks the session\'s CSRF token: send the "csrfToken" of sign-in or GET /api/v1/auth/me as the X-CSRF-Token header',
        );
    }
    req.principal = principal;
    return true;
  }
}
