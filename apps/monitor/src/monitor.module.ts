/*
 * The monitor service, as it stands: it connects to Postgres, NATS and Docker and
 * reports whether it can reach them (GET /health/live, GET /health/ready). It does
 * not watch agents yet: health checks, resource sampling, auto-recovery, idle stop
 * and alerts arrive with their own issues, as handlers of events on the bus.
 */
import { Inject, Module, type FactoryProvider, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import { connectBus } from '../../../libs/bus/src/nats-connection';
import { DockerDriver } from '../../../libs/docker/src/docker.driver';
import { JsonLogger } from '../../../libs/platform/src/logger';
import { createPool } from '../../../libs/platform/src/pg-pool';
import type { MonitorConfig } from './config';
import { HealthController } from './health/health.controller';
import { CONFIG, LOGGER, NATS, PG_POOL } from './tokens';

const provide = <T>(token: unknown, inject: unknown[], useFactory: (...args: never[]) => T | Promise<T>): FactoryProvider<T> =>
  ({ provide: token, inject, useFactory }) as FactoryProvider<T>;

export function monitorModule(config: MonitorConfig, log: JsonLogger) {
  @Module({
    controllers: [HealthController],
    providers: [
      { provide: CONFIG, useValue: config },
      { provide: LOGGER, useValue: log },
      provide(PG_POOL, [], () => createPool(config.DATABASE_URL, log, 4)),
      provide(NATS, [], () => connectBus({ url: config.NATS_URL, name: 'sacp-monitor', reconnect: true, log: (l, m, x) => log.write(l, m, x) })),
      provide(DockerDriver, [], () => DockerDriver.connect(config.DOCKER_HOST)),
    ],
  })
  class MonitorModule implements OnApplicationShutdown {
    constructor(
      @Inject(PG_POOL) private readonly pool: Pool,
      @Inject(NATS) private readonly nc: NatsConnection,
      @Inject(LOGGER) private readonly log: JsonLogger,
    ) {}

    async onApplicationShutdown(signal?: string): Promise<void> {
      await this.nc.drain().catch(() => undefined);
      await this.pool.end().catch(() => undefined);
      this.log.info('stopped', { signal });
    }
  }
  return MonitorModule;
}
