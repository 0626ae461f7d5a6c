import { Module, type DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Metrics } from '@sacp/platform';
import { EventStore } from '../event-store.port';
import { PgEventStore } from '../postgres/pg-event-store';
import { agentRegistryProjection } from '../projections/agent-registry.projection';
import { Projector } from '../projections/projector';
import { templateRegistryProjection } from '../projections/template-registry.projection';
import { ActivityRepository } from '../repositories/activity.repository';
import { teamRegistryProjection } from '../projections/team-registry.projection';
import { tasksProjection } from '../projections/tasks.projection';
import { TaskRepository } from '../repositories/task.repository';
import { alertsProjection } from '../projections/alerts.projection';
import { CommandAudit } from '../repositories/command-audit';
import { SecretRepository } from '../repositories/secret.repository';
import { CredentialRepository } from '../repositories/credential.repository';
import { DatabaseModule, type AsyncModuleOptions } from './database.module';
import type { DatabaseModuleOptions } from './open-data-source';

/**
 * The event store for Nest: the service's DataSource (DatabaseModule), the `EventStore`
 * port (PgEventStore), the command audit, the secrets' repository and the projector
 * with its projections (its lag on `sacp_projector_lag_events`). The classes
 * underneath are plain and framework-free; this module only builds them.
 *
 *   EventStoreModule.forRootAsync({ useFactory: () => ({ url: config.DATABASE_URL, poolSize: 10, log }) })
 */
@Module({})
export class EventStoreModule {
  static forRootAsync(options: AsyncModuleOptions<DatabaseModuleOptions>): DynamicModule {
    const database = DatabaseModule.forRootAsync(options);
    return {
      module: EventStoreModule,
      imports: [database],
      providers: [
        { provide: PgEventStore, useFactory: (ds: DataSource) => new PgEventStore(ds), inject: [DataSource] },
        { provide: EventStore, useExisting: PgEventStore },
        { provide: CommandAudit, useFactory: (ds: DataSource) => new CommandAudit(ds), inject: [DataSource] },
        { provide: SecretRepository, useFactory: (ds: DataSource) => new SecretRepository(ds), inject: [DataSource] },
        { provide: ActivityRepository, useFactory: (ds: DataSource) => new ActivityRepository(ds), inject: [DataSource] },
        { provide: CredentialRepository, useFactory: (ds: DataSource) => new CredentialRepository(ds), inject: [DataSource] },
        { provide: TaskRepository, useFactory: (ds: DataSource) => new TaskRepository(ds), inject: [DataSource] },
        {
          provide: Projector,
          useFactory: (store: PgEventStore) =>
            new Projector(store, [agentRegistryProjection, templateRegistryProjection, alertsProjection, teamRegistryProjection, tasksProjection], {
              onLag: (projection, events) => Metrics.projectorLagEvents.set({ projection }, events),
            }),
          inject: [PgEventStore],
        },
      ],
      exports: [database, PgEventStore, EventStore, CommandAudit, SecretRepository, CredentialRepository, Projector, ActivityRepository, TaskRepository],
    };
  }
}
