import { applyDecorators, UseGuards } from '@nestjs/common';
import { SkipThrottle, ThrottlerGuard, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { Principal } from './principal';

const MINUTE_MS = 60_000;

/**
 * Two limits, each kept by every replica for itself (@nestjs/throttler's in-memory
 * store: behind N replicas an address gets up to N times the limit, still bounded):
 * sign-in attempts per client address, and commands per user or token.
 */
export function rateLimits(o: { signInPerMinute: number; commandsPerMinute: number }): ThrottlerModuleOptions {
  return {
    throttlers: [
      { name: 'signin', limit: o.signInPerMinute, ttl: MINUTE_MS, getTracker: (req) => String(req.ip ?? 'unknown') },
      {
        name: 'commands',
        limit: o.commandsPerMinute,
        ttl: MINUTE_MS,
        getTracker: (req) => {
          const p = req.principal as Principal | undefined;
          return p ? `${p.kind}:${p.id}` : String(req.ip ?? 'unknown');
        },
      },
    ],
  };
}

/** Sign-in: limited per client address (guessing passwords costs time). */
export const SignInRateLimit = () => applyDecorators(UseGuards(ThrottlerGuard), SkipThrottle({ commands: true }));

/** A command endpoint: limited per user or token (runs after AuthGuard, which names the principal). */
export const CommandRateLimit = () => applyDecorators(UseGuards(ThrottlerGuard), SkipThrottle({ signin: true }));
