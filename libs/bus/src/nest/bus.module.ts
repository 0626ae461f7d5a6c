import { Inject, Injectable, Module, type DynamicModule, type FactoryProvider, type ModuleMetadata, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { readCredentialFile } from '../auth/credential-files';
import { BusClient, type BusClientOptions } from '../client/bus-client';
import { connectBus, type BusLog } from '../nats-connection';
import { NATS } from '../bus.tokens';

export interface BusModuleOptions {
  /** the service's name; the connection shows as "sacp-<service>" in the server's list */
  service: string;
  /** NATS_URL: one URL or several, comma-separated */
  url: string;
  /** NATS_CREDENTIALS_FILE: the service's credential (`sacp bus init` writes it); its user is also its reply inbox */
  credentialsFile: string;
  /** the typed client's defaults: request timeout, retry policy, actor and source */
  client: Omit<BusClientOptions, 'url' | 'log'>;
  log?: BusLog;
}

export interface BusModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => BusModuleOptions | Promise<BusModuleOptions>;
}

const OPTIONS = Symbol('BUS_MODULE_OPTIONS');

/** Drains the connection when the application shuts down, after every service's own stop work (beforeApplicationShutdown). */
@Injectable()
class BusConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(NATS) private readonly nc: NatsConnection) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed() && !this.nc.isDraining()) await this.nc.drain().catch(() => undefined);
  }
}

/** A connection that reconnects for ever: a service outlives NATS restarts. */
const connection: FactoryProvider<Promise<NatsConnection>> = {
  provide: NATS,
  inject: [OPTIONS],
  useFactory: (o: BusModuleOptions) =>
    connectBus({
      url: o.url,
      name: `sacp-${o.service}`,
      reconnect: true,
      credentials: readCredentialFile(o.credentialsFile),
      credentialsFrom: `NATS_CREDENTIALS_FILE=${o.credentialsFile}`,
      ...(o.log ? { log: o.log } : {}),
    }),
};

const client: FactoryProvider<BusClient> = {
  provide: BusClient,
  inject: [NATS, OPTIONS],
  useFactory: (nc: NatsConnection, o: BusModuleOptions) => new BusClient(nc, { ...o.client, url: o.url, ...(o.log ? { log: o.log } : {}) }),
};

/**
 * The bus for a Nest service: the NATS connection (token NATS) opened with the
 * service's credential, and the typed BusClient on it. Global: every module of the
 * service sees the same connection. The connection is drained on shutdown.
 */
@Module({})
export class BusModule {
  static forRoot(options: BusModuleOptions): DynamicModule {
    return BusModule.with([{ provide: OPTIONS, useValue: options }]);
  }

  static forRootAsync(options: BusModuleAsyncOptions): DynamicModule {
    return { ...BusModule.with([{ provide: OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory }]), imports: options.imports ?? [] };
  }

  private static with(optionsProvider: Provider[]): DynamicModule {
    return { module: BusModule, global: true, providers: [...optionsProvider, connection, client, BusConnectionCloser], exports: [NATS, BusClient] };
  }
}
