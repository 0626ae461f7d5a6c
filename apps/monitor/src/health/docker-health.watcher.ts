import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DockerDriver } from '@sacp/docker';
import { JsonLogger } from '@sacp/platform';
import { FleetView } from '../fleet/fleet-view';
import { MonitorLeader } from '../monitor-leader';
import { MonitorSettings } from '../monitor.settings';
import { HealthChecker } from './health-check.service';

/**
 * Follows Docker's `health_status` events for this instance's containers and, on the
 * elected replica, has the health checker read that container's verdict at once rather
 * than at its next interval. A hint only: the stream may drop events, the periodic
 * pass still reads every container. Starts once the fleet view has read the history;
 * reconnects after a failure.
 */
@Injectable()
export class DockerHealthWatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly abort = new AbortController();

  constructor(
    private readonly docker: DockerDriver,
    private readonly fleet: FleetView,
    private readonly leader: MonitorLeader,
    private readonly health: HealthChecker,
    private readonly settings: MonitorSettings,
    private readonly log: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    void this.fleet.caughtUp.then(() => this.watch());
  }

  beforeApplicationShutdown(): void {
    this.abort.abort();
  }

  private async watch(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      try {
        for await (const e of this.docker.events({
          filters: { type: ['container'], event: ['health_status'], label: [`sacp.instance=${this.settings.instance}`] },
          signal,
        }))
          if (this.leader.isLeader) this.health.onDockerHealthEvent(e.actorId);
      } catch (err) {
        this.log.warn('Docker event stream failed; reconnecting', { error: err });
      }
      if (!signal.aborted) await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
