import { Module, type DynamicModule } from '@nestjs/common';
import { z } from 'zod';
import { Limits } from '@sacp/events';
import { JsonLogger, readConfig } from '@sacp/platform';
import { LOGGER } from '@sacp/platform/nest';
import { AuthService } from '../auth';
import { LiveAuth } from './live-auth';
import { LiveFeed } from './live-feed';
import { LiveHistory } from './live-history';
import { LIVE_SETTINGS, LiveServer, type LiveServerSettings } from './live.server';

const count = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/** The live endpoint's knobs (environment); the defaults suit a dashboard. */
const LiveConfigSchema = z.object({
  /** frames and bytes one client may have queued before it is told to resync */
  API_LIVE_BUFFER_MAX_MESSAGES: count(2000, 100_000),
  API_LIVE_BUFFER_MAX_BYTES: count(4 * 1024 * 1024, 256 * 1024 * 1024),
  /** the most events one reconnecting client may be replayed; further behind, it reloads (resync) */
  API_LIVE_MAX_CATCHUP_EVENTS: count(100_000, 10_000_000),
  API_LIVE_STALL_MS: count(10_000, 600_000),
  API_LIVE_RESYNC_GRACE_MS: count(5_000, 600_000),
  /** origins besides this host's own allowed to open the socket with the session cookie, comma-separated */
  API_LIVE_ALLOWED_ORIGINS: z.string().default(''),
});

export function liveSettings(env: NodeJS.ProcessEnv = process.env): LiveServerSettings {
  const c = readConfig('api', LiveConfigSchema, env);
  return {
    buffer: { maxMessages: c.API_LIVE_BUFFER_MAX_MESSAGES, maxBytes: c.API_LIVE_BUFFER_MAX_BYTES },
    pageSize: 256,
    maxCatchUp: c.API_LIVE_MAX_CATCHUP_EVENTS,
    stallMs: c.API_LIVE_STALL_MS,
    graceMs: c.API_LIVE_RESYNC_GRACE_MS,
    // as the relay: what fits in a bus message with room for its headers
    maxEventBytes: Limits.NATS_MAX_PAYLOAD_BYTES - 8 * 1024,
    allowedOrigins: c.API_LIVE_ALLOWED_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    recheckMs: 1000,
  };
}

/** `WS /api/v1/live`: live events, alerts and resource samples, resumable from an event position. */
@Module({})
export class LiveModule {
  static forRoot(log: JsonLogger): DynamicModule {
    return {
      module: LiveModule,
      providers: [
        { provide: LOGGER, useValue: log },
        { provide: JsonLogger, useValue: log },
        LiveFeed,
        LiveHistory,
        LiveServer,
        { provide: LIVE_SETTINGS, useFactory: () => liveSettings() },
        // the API's AuthService (global, from AuthModule): the same check as every REST request
        { provide: LiveAuth, useExisting: AuthService },
      ],
    };
  }
}
