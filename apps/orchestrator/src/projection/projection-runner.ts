import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Projector } from '@sacp/event-store';
import { type JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import type { OrchestratorConfig } from '../config';
import { Leadership, type LeaderRole } from '../leadership/leadership';

/**
 * Keeps the read models caught up on the leader: a pass on election, on every commit
 * hint and on a timer. Passes never overlap; a request during one runs another after it.
 */
@Injectable()
export class ProjectionRunner implements LeaderRole, OnApplicationBootstrap, BeforeApplicationShutdown {
  private projecting: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly projector: Projector,
    private readonly leadership: Leadership,
    @Inject(CONFIG) private readonly config: OrchestratorConfig,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {
    leadership.join(this);
  }

  onElected(): void {
    this.schedule();
  }

  onLost(): void {
    // a pass in progress ends by itself; the timer only runs passes while the lease holds
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.leadership.holdsLease && this.schedule(), this.config.SACP_POLL_INTERVAL_MS);
  }

  schedule(): void {
    if (this.projecting) {
      this.again = true;
      return;
    }
    this.projecting = (async () => {
      do {
        this.again = false;
        try {
          await this.projector.catchUp();
        } catch (err) {
          this.log.warn('projection pass failed; will retry', { error: err });
        }
      } while (this.again);
      this.projecting = null;
    })();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.projecting;
  }
}
