import { Inject, Injectable, Optional, type FactoryProvider, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import { connectBus, readCredentialFile } from '@sacp/bus';
import type { JsonLogger } from '../logger';
import { createPool } from '../pg-pool';
import { CONFIG, LOGGER, NATS, PG_POOL } from './tokens';

/** A factory provider with its injections, typed loosely enough for tokens that are symbols. */
export const provide = <T>(token: unknown, inject: unknown[], useFactory: (...args: never[]) => T | Promise<T>): FactoryProvider<T> =>
  ({ provide: token, inject, useFactory }) as FactoryProvider<T>;

/** Closes the shared connections last, after every service's own shutdown work. */
@Injectable()
export class ConnectionsShutdown implements OnApplicationShutdown {
  constructor(
    @Optional() @Inject(PG_POOL) private readonly pool: Pool | null,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  async onApplicationShutdown(signal?: string): Promise<void> {
    await this.nc.drain().catch(() => undefined);
    await this.pool?.end().catch(() => undefined);
    this.log.info('stopped', { signal });
  }
}

/**
 * The configuration, the logger, a Postgres pool (unless `postgres: false`: a service
 * that talks only to the bus holds no database credentials) and a NATS connection that
 * reconnects for ever.
 */
export function coreProviders(
  service: string,
  config: { DATABASE_URL?: string; NATS_URL: string; NATS_CREDENTIALS_FILE: string },
  log: JsonLogger,
  options: { poolSize?: number; beforeReady?: (pool: Pool) => Promise<void>; postgres?: boolean } = {},
): Provider[] {
  const postgres = options.postgres !== false;
  if (postgres && !config.DATABASE_URL) throw new Error(`${service} needs DATABASE_URL`);
  return [
    { provide: CONFIG, useValue: config },
    { provide: LOGGER, useValue: log },
    ...(postgres
      ? [
          provide(PG_POOL, [], async () => {
            const pool = createPool(config.DATABASE_URL!, log, options.poolSize ?? 4);
            await options.beforeReady?.(pool);
            return pool;
          }),
        ]
      : []),
    provide(NATS, [], () =>
      connectBus({
        url: config.NATS_URL,
        name: `sacp-${service}`,
        reconnect: true,
        credentials: readCredentialFile(config.NATS_CREDENTIALS_FILE),
        credentialsFrom: `NATS_CREDENTIALS_FILE=${config.NATS_CREDENTIALS_FILE}`,
        log: (l, m, x) => log.write(l, m, x),
      }),
    ),
    ConnectionsShutdown,
  ];
}
