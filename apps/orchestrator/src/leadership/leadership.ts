import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { LeaderLock } from '@sacp/event-store';
import { type JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import type { OrchestratorConfig } from '../config';

/** A job only the elected replica does (reconciling, relaying, projecting): started on election, stopped when the lease is lost. */
export interface LeaderRole {
  onElected(): void;
  onLost(): void;
}

/**
 * Which replica leads: a Postgres advisory lock with a lease (LeaderLock). Roles join
 * while the application is built; the lock is first tried once every component has
 * started, and released after every role has stopped (roles depend on this, so Nest
 * shuts them down first).
 */
@Injectable()
export class Leadership implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly roles: LeaderRole[] = [];
  private readonly lock: LeaderLock;

  constructor(@Inject(CONFIG) config: OrchestratorConfig, @Inject(LOGGER) log: JsonLogger) {
    this.lock = new LeaderLock({
      connection: { connectionString: config.DATABASE_URL },
      name: `sacp-orchestrator-leader:${config.SACP_INSTANCE}`,
      onElected: () => {
        for (const r of this.roles) r.onElected();
      },
      onLost: () => {
        for (const r of this.roles) r.onLost();
      },
      log: (m, x) => log.info(m, x),
    });
  }

  /** Elected and within its lease: safe to act as the leader right now. Roles ask before every Docker operation, append and publish. */
  get holdsLease(): boolean {
    return this.lock.holdsLease;
  }

  join(role: LeaderRole): void {
    this.roles.push(role);
  }

  onApplicationBootstrap(): void {
    this.lock.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.lock.stop();
  }
}
