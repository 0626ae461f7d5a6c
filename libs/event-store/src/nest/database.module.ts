import { Inject, Injectable, Module, type DynamicModule, type FactoryProvider, type ModuleMetadata, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule, type TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { DATABASE_READINESS } from '@sacp/platform/nest';
import { ENTITIES } from '../entities';
import { openDataSource, type DatabaseModuleOptions } from './open-data-source';

/** How a dynamic module gets its options: a factory, with what it injects and the modules those come from. */
export interface AsyncModuleOptions<O> {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => O | Promise<O>;
}

export const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');

/** TypeORM's module options, carrying ours to the DataSource factory. */
type WithOurs = TypeOrmModuleOptions & { sacp: DatabaseModuleOptions };

/** How long a service that connects in the background waits between attempts. */
const RECONNECT_MS = 2000;

/** Opens a DataSource left closed at start ('in-background'), and answers the readiness probe. */
@Injectable()
export class DatabaseConnection implements OnApplicationBootstrap, OnApplicationShutdown {
  private lastError: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(DATABASE_OPTIONS) private readonly options: DatabaseModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.dataSource.isInitialized) void this.connect();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.dataSource.isInitialized) return;
    try {
      await this.dataSource.initialize();
      if (this.lastError) this.options.log?.write('info', 'connected to Postgres');
      this.lastError = null;
    } catch (err) {
      const message = (err as Error).message;
      if (message !== this.lastError) this.options.log?.write('warn', 'cannot connect to Postgres; trying again', { error: message, everyMs: RECONNECT_MS });
      this.lastError = message;
      if (!this.stopped) this.timer = setTimeout(() => void this.connect(), RECONNECT_MS);
    }
  }

  /** Resolves when Postgres answers on this service's DataSource. */
  async probe(): Promise<unknown> {
    if (!this.dataSource.isInitialized) throw new Error(`not connected yet${this.lastError ? `: ${this.lastError}` : ''}`);
    return this.dataSource.query('select 1');
  }
}

@Module({})
class DatabaseOptionsModule {}

/**
 * A service's one DataSource (TypeORM on `pg`) through @nestjs/typeorm: `DataSource`
 * and the entities' repositories (`@InjectRepository(AgentRegistryEntity)`, ...) are
 * injectable, the DataSource is closed at shutdown, and the health controller's
 * "postgres" readiness check uses it. EventStoreModule builds on it; a service that
 * needs Postgres only for its health and leader lock imports this alone.
 */
@Module({})
export class DatabaseModule {
  static forRootAsync(options: AsyncModuleOptions<DatabaseModuleOptions>): DynamicModule {
    const optionsModule: DynamicModule = {
      module: DatabaseOptionsModule,
      imports: options.imports ?? [],
      providers: [{ provide: DATABASE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }],
      exports: [DATABASE_OPTIONS],
    };
    const repositories = TypeOrmModule.forFeature(ENTITIES);
    return {
      module: DatabaseModule,
      imports: [
        optionsModule,
        TypeOrmModule.forRootAsync({
          imports: [optionsModule],
          inject: [DATABASE_OPTIONS],
          useFactory: (o: DatabaseModuleOptions): WithOurs => ({
            sacp: o,
            manualInitialization: o.connect === 'in-background',
            // a service that cannot open its store exits, and its supervisor starts it again
            retryAttempts: 1,
            toRetry: () => false,
          }),
          dataSourceFactory: (typeOrmOptions?: DataSourceOptions) => openDataSource((typeOrmOptions as unknown as WithOurs).sacp),
        }),
        repositories,
      ],
      providers: [DatabaseConnection, { provide: DATABASE_READINESS, useFactory: (c: DatabaseConnection) => () => c.probe(), inject: [DatabaseConnection] }],
      exports: [repositories, DATABASE_READINESS],
    };
  }
}
