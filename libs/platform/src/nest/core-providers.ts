import { Inject, Injectable, Optional, type FactoryProvider, type InjectionToken, type OnApplicationShutdown, type Provider, type Type } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectBus, readCredentialFile } from '@sacp/bus';
import { BUS_LOG } from '@sacp/bus/nest';
import { JsonLogger } from '../logger';
import { CONFIG, LOGGER, NATS, type Token } from './tokens';

/** a port is an abstract class: injectable by its class like any other */
type AbstractType<T> = abstract new (...args: never[]) => T;
type Dependency<T = unknown> = Type<T> | AbstractType<T> | Token<T>;
type Provided<K> = K extends Type<infer T> ? T : K extends AbstractType<infer T> ? T : K extends Token<infer T> ? T : never;

/**
 * A factory provider whose parameters the compiler checks against what it injects:
 * each entry of `inject` is a class or a typed `Token`, and `useFactory` receives
 * their instances in order. For parts that are not Nest components themselves.
 */
export function factory<T, const D extends readonly Dependency[]>(
  provide: InjectionToken<T> | Token<T>,
  inject: D,
  useFactory: (...deps: { -readonly [I in keyof D]: Provided<D[I]> }) => T | Promise<T>,
): FactoryProvider<T> {
  return { provide, inject: [...inject], useFactory: useFactory as (...args: unknown[]) => T | Promise<T> };
}

/**
 * Closes the bus connection last, after every service's own shutdown work. (A service's
 * DataSource is closed by the TypeORM module it comes from, at the same point.)
 */
@Injectable()
export class ConnectionsShutdown implements OnApplicationShutdown {
  constructor(
    @Optional() @Inject(NATS) private readonly nc: NatsConnection | null,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  async onApplicationShutdown(signal?: string): Promise<void> {
    // a connection from BusModule may be drained by it already
    if (this.nc && !this.nc.isClosed() && !this.nc.isDraining()) await this.nc.drain().catch(() => undefined);
    this.log.info('stopped', { signal });
  }
}

/**
 * The configuration, the logger and a NATS connection that reconnects for ever (unless
 * `nats: false`: the service imports BusModule instead). A service that uses Postgres
 * needs DATABASE_URL (unless `postgres: false`: a service that talks only to the bus
 * holds no database credentials) and gets its DataSource from the event store's Nest
 * modules (EventStoreModule, DatabaseModule).
 */
export function coreProviders(
  service: string,
  config: { DATABASE_URL?: string; NATS_URL: string; NATS_CREDENTIALS_FILE: string },
  log: JsonLogger,
  options: { postgres?: boolean; nats?: boolean } = {},
): Provider[] {
  if (options.postgres !== false && !config.DATABASE_URL) throw new Error(`${service} needs DATABASE_URL`);
  return [
    { provide: CONFIG, useValue: config },
    { provide: LOGGER, useValue: log },
    // the same logger, injectable by its class
    { provide: JsonLogger, useExisting: LOGGER },
    // and where the bus handlers' exception filter writes
    { provide: BUS_LOG, useValue: log.write.bind(log) },
    ...(options.nats !== false
      ? [
          factory(NATS, [], () =>
            connectBus({
              url: config.NATS_URL,
              name: `sacp-${service}`,
              reconnect: true,
              credentials: readCredentialFile(config.NATS_CREDENTIALS_FILE),
              credentialsFrom: `NATS_CREDENTIALS_FILE=${config.NATS_CREDENTIALS_FILE}`,
              log: (l, m, x) => log.write(l, m, x),
            }),
          ),
        ]
      : []),
    ConnectionsShutdown,
  ];
}
