import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { type JsonLogger, LOGGER } from '@sacp/platform';
import { FleetView } from './fleet/fleet-view';
import { RecoveryService } from './recovery/recovery.service';

/** How often unanswered failures are looked at again (a command that could not be delivered, a monitor that was down). */
const RESUME_EVERY_MS = 5000;

/** Reads the fleet's history, then reacts to what happens and retries what is unanswered. */
@Injectable()
export class MonitorRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly fleet: FleetView,
    private readonly recovery: RecoveryService,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.fleet.start();
    void this.fleet.caughtUp.then(async () => {
      await this.recovery.resumePending();
      const again = () => {
        this.timer = setTimeout(() => {
          void this.recovery
            .resumePending()
            .catch((err: unknown) => this.log.warn('resuming recovery failed', { error: err }))
            .then(() => again());
        }, RESUME_EVERY_MS);
      };
      again();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.fleet.stop();
  }
}
