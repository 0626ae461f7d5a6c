import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CredentialVerifier, SessionRepository } from '@sacp/event-store';
import type { JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import type { ApiConfig } from '../config';
import { ApiCodes, ApiError } from '../http/api-error';
import { CommandSender } from '../http/command-sender';
import { ZodPipe } from '../http/zod-pipe';
import { CurrentPrincipal, Public } from './auth.decorators';
import type { Principal } from './principal';
import { SignInRateLimit } from './rate-limits';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from './session-cookie';

type Res = { setHeader(name: string, value: string): void };
type Req = { headers: Record<string, string | string[] | undefined>; ip?: string };

const SignIn = z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict();
const ChangePassword = z.object({ current: z.string().min(1).max(1024), next: z.string().min(12, 'the new password is shorter than 12 characters').max(1024) }).strict();

/** Signing in and out of the dashboard, who am I, and changing one's own password. */
@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly verifier: CredentialVerifier,
    private readonly sessions: SessionRepository,
    private readonly commands: CommandSender,
    @Inject(CONFIG) private readonly config: ApiConfig,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  @Post('sign-in')
  @Public()
  @SignInRateLimit()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with a user name and password: sets the session cookie and returns the CSRF token for changes' })
  async signIn(@Body(new ZodPipe(SignIn)) body: z.infer<typeof SignIn>, @Req() req: Req, @Res({ passthrough: true }) res: Res) {
    const v = await this.verifier.verifyPassword(body.name, body.password);
    if (!v.ok || v.principal.kind !== 'user') {
      this.log.info('sign-in refused', { user: body.name, refusal: v.ok ? 'not_a_user' : v.refusal, ip: req.ip });
      throw new ApiError(401, ApiCodes.AUTH_FAILED, 'wrong user name or password');
    }
    const { userId, name, role } = v.principal;
    const s = await this.sessions.create(userId, this.config.API_SESSION_TTL_MS);
    res.setHeader('Set-Cookie', sessionCookie(s.sessionId, { secure: this.config.API_COOKIE_SECURE, maxAgeMs: this.config.API_SESSION_TTL_MS }));
    this.log.info('signed in', { user: name, ip: req.ip });
    return { user: { name, role }, csrfToken: s.csrfToken, expiresAt: s.expiresAt.toISOString() };
  }

  @Post('sign-out')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Ends the session of the cookie sent (if any) and clears the cookie' })
  async signOut(@Req() req: Req, @Res({ passthrough: true }) res: Res): Promise<void> {
    const sessionId = readCookie(req.headers, SESSION_COOKIE);
    if (sessionId) await this.sessions.delete(sessionId);
    res.setHeader('Set-Cookie', clearedSessionCookie(this.config.API_COOKIE_SECURE));
  }

  @Get('me')
  @ApiOperation({ summary: 'Who the request is from: kind, name, role, and (for a session) the CSRF token' })
  me(@CurrentPrincipal() p: Principal) {
    return p.kind === 'user' ? { kind: p.kind, name: p.name, role: p.role, csrfToken: p.csrfToken } : { kind: p.kind, name: p.name, role: p.role, user: p.user };
  }

  @Post('password')
  @HttpCode(200)
  @SignInRateLimit()
  @ApiOperation({ summary: "Changes the signed-in user's password; every session of theirs ends and this one is replaced by a new one" })
  async changePassword(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(ChangePassword)) body: z.infer<typeof ChangePassword>, @Res({ passthrough: true }) res: Res) {
    if (p.kind !== 'user') throw new ApiError(403, ApiCodes.ROLE_FORBIDDEN, 'an API token has no password; sign in as the user to change theirs');
    const v = await this.verifier.verifyPassword(p.name, body.current);
    if (!v.ok) throw new ApiError(401, ApiCodes.AUTH_FAILED, 'the current password is wrong');
    const accepted = await this.commands.send(p, 'user.set_password', { name: p.name, password: body.next });
    const s = await this.sessions.create(p.id, this.config.API_SESSION_TTL_MS);
    res.setHeader('Set-Cookie', sessionCookie(s.sessionId, { secure: this.config.API_COOKIE_SECURE, maxAgeMs: this.config.API_SESSION_TTL_MS }));
    return { commandId: accepted.commandId, csrfToken: s.csrfToken, expiresAt: s.expiresAt.toISOString() };
  }
}
