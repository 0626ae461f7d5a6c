import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SessionRepository } from '@sacp/event-store';
import type { JsonLogger } from '@sacp/platform';
import { LOGGER } from '@sacp/platform/nest';

/** How often expired sessions are deleted (by every replica; the delete is idempotent). */
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * Deletes expired sessions now and then, so the table holds only live ones. Lookups
 * ignore an expired session anyway: this is housekeeping, not a security boundary.
 */
@Injectable()
export class SessionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sessions: SessionRepository,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    try {
      const n = await this.sessions.deleteExpired();
      if (n > 0) this.log.info('expired sessions deleted', { sessions: n });
      return n;
    } catch (err) {
      this.log.warn('could not delete expired sessions; trying again later', { error: (err as Error).message, everyMs: SWEEP_EVERY_MS });
      return 0;
    }
  }
}
