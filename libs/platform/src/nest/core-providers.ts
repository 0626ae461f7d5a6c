import { Inject, Injectable, type FactoryProvider, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectBus, readCredentialFile } from '@sacp/bus';
import type { JsonLogger } from '../logger';
import { CONFIG, LOGGER, NATS } from './tokens';

/** A factory provider with its injections, typed loosely enough for tokens that are symbols. */
export const provide = <T>(token: unknown, inject: unknown[], useFactory: (...args: never[]) => T | Promise<T>): FactoryProvider<T> =>
  ({ provide: token, inject, useFactory }) as FactoryProvider<T>;

/**
 * Closes the bus connection last, after every service's own shutdown work. (A service's
 * DataSource is closed by the TypeORM module it comes from, at the same point.)
 */
@Injectable()
export class ConnectionsShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  async onApplicationShutdown(signal?: string): Promise<void> {
    await this.nc.drain().catch(() => undefined);
    this.log.info('stopped', { signal });
  }
}

/**
 * The configuration, the logger and a NATS connection that reconnects for ever. A
 * service that uses Postgres needs DATABASE_URL (unless `postgres: false`: a service
 * that talks only to the bus holds no database credentials) and gets its DataSource
 * from the event store's Nest modules (EventStoreModule, DatabaseModule).
 */
export function coreProviders(
  service: string,
  config: { DATABASE_URL?: string; NATS_URL: string; NATS_CREDENTIALS_FILE: string },
  log: JsonLogger,
  options: { postgres?: boolean } = {},
): Provider[] {
  if (options.postgres !== false && !config.DATABASE_URL) throw new Error(`${service} needs DATABASE_URL`);
  return [
    { provide: CONFIG, useValue: config },
    { provide: LOGGER, useValue: log },
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
