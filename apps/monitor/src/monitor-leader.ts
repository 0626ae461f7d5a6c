import { LeaderLock } from '@sacp/event-store';
import type { JsonLogger } from '@sacp/platform';

/**
 * Elects the one monitor replica that probes, samples, raises threshold alerts and
 * stops idle agents: a Postgres advisory lock, released by Postgres when the holder's
 * connection dies, so another replica takes over. (Recovery does not need it: its
 * command ids are derived from the failure it answers.)
 */
export class MonitorLeader {
  private readonly lock: LeaderLock;

  constructor(databaseUrl: string, instance: string, log: JsonLogger) {
    this.lock = new LeaderLock({
      connection: { connectionString: databaseUrl },
      name: `sacp-monitor-leader:${instance}`,
      onElected: () => undefined,
      onLost: () => undefined,
      log: (m, x) => log.info(m, x),
    });
  }

  get isLeader(): boolean {
    return this.lock.holdsLease; // within its lease: a replica that froze does not probe or stop agents after waking
  }

  start(): void {
    this.lock.start();
  }

  stop(): Promise<void> {
    return this.lock.stop();
  }
}
