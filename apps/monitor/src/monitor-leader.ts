import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { LeaderLock } from '@sacp/event-store';
import { JsonLogger } from '@sacp/platform';
import { FleetView } from './fleet/fleet-view';
import { MonitorSettings } from './monitor.settings';

/**
 * Elects the one monitor replica that probes, samples, raises threshold alerts and
 * stops idle agents: a Postgres advisory lock, released by Postgres when the holder's
 * connection dies, so another replica takes over. A replica stands for election only
 * once its fleet view has read the history. (Recovery does not need it: its command
 * ids are derived from the failure it answers.)
 */
@Injectable()
export class MonitorLeader implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly lock: LeaderLock;
  private stopped = false;

  constructor(
    private readonly fleet: FleetView,
    settings: MonitorSettings,
    log: JsonLogger,
  ) {
    this.lock = new LeaderLock({
      connection: { connectionString: settings.databaseUrl },
      name: `sacp-monitor-leader:${settings.instance}`,
      onElected: () => undefined,
      onLost: () => undefined,
      log: (m, x) => log.info(m, x),
    });
  }

  get isLeader(): boolean {
    return this.lock.holdsLease; // within its lease: a replica that froze does not probe or stop agents after waking
  }

  onApplicationBootstrap(): void {
    void this.fleet.caughtUp.then(() => {
      if (!this.stopped) this.lock.start();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.lock.stop();
  }
}
