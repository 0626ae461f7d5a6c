/*
 * The API service, as it stands: it connects to Postgres and NATS, reports whether
 * it can reach them (GET /health/live, GET /health/ready), and answers
 * GET /api/status by asking the orchestrator over NATS (sacp.qry.agent.status).
 * Not here yet: authentication and API tokens, the command endpoints, OpenAPI at
 * /api/docs, /metrics, the event WebSocket and the dashboard; each has its own issue.
 */
import { Inject, Module, type FactoryProvider, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import { connectBus } from '../../../libs/bus/src/nats-connection';
import { JsonLogger } from '../../../libs/platform/src/logger';
import { createPool } from '../../../libs/platform/src/pg-pool';
import type { ApiConfig } from './config';
import { HealthController } from './health/health.controller';
import { StatusController } from './status/status.controller';
import { CONFIG, LOGGER, NATS, PG_POOL } from './tokens';

const provide = <T>(token: unknown, inject: unknown[], useFactory: (...args: never[]) => T | Promise<T>): FactoryProvider<T> =>
  ({ provide: token, inject, useFactory }) as FactoryProvider<T>;

export function apiModule(config: ApiConfig, log: JsonLogger) {
  @Module({
    controllers: [HealthController, StatusController],
    providers: [
      { provide: CONFIG, useValue: config },
      { provide: LOGGER, useValue: log },
      provide(PG_POOL, [], () => createPool(config.DATABASE_URL, log, 4)),
      provide(NATS, [], () => connectBus({ url: config.NATS_URL, name: 'sacp-api', reconnect: true, log: (l, m, x) => log.write(l, m, x) })),
    ],
  })
  class ApiModule implements OnApplicationShutdown {
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
  return ApiModule;
}
