/*
 * The Discord gateway service, as it stands: it connects to Postgres and NATS and
 * reports whether it can reach them (GET /health/live, GET /health/ready). It does
 * not connect to Discord yet: the bot (slash commands and buttons turned into NATS
 * commands, role mapping, replies) arrives with its own issue.
 */
import { Inject, Module, type FactoryProvider, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import { connectBus } from '../../../libs/bus/src/nats-connection';
import { JsonLogger } from '../../../libs/platform/src/logger';
import { createPool } from '../../../libs/platform/src/pg-pool';
import type { DiscordGatewayConfig } from './config';
import { HealthController } from './health/health.controller';
import { CONFIG, LOGGER, NATS, PG_POOL } from './tokens';

const provide = <T>(token: unknown, inject: unknown[], useFactory: (...args: never[]) => T | Promise<T>): FactoryProvider<T> =>
  ({ provide: token, inject, useFactory }) as FactoryProvider<T>;

export function discordGatewayModule(config: DiscordGatewayConfig, log: JsonLogger) {
  @Module({
    controllers: [HealthController],
    providers: [
      { provide: CONFIG, useValue: config },
      { provide: LOGGER, useValue: log },
      provide(PG_POOL, [], () => createPool(config.DATABASE_URL, log, 4)),
      provide(NATS, [], () => connectBus({ url: config.NATS_URL, name: 'sacp-discord-gateway', reconnect: true, log: (l, m, x) => log.write(l, m, x) })),
    ],
  })
  class DiscordGatewayModule implements OnApplicationShutdown {
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
  return DiscordGatewayModule;
}
