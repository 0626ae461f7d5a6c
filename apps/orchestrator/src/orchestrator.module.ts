import { Module } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import { DockerDriver, DockerModule } from '@sacp/docker';
import { CommandAudit, PgEventStore, migrate, checkSchema, Projector, agentRegistryProjection, templateRegistryProjection } from '@sacp/event-store';
import { Subjects } from '@sacp/events';
import { type JsonLogger, createPool, coreProviders, factory, provide, HealthController, NATS, PG_POOL, READINESS } from '@sacp/platform';
import { AgentCommandsController } from './commands/agent-commands.controller';
import { AgentLocator } from './commands/agent-locator';
import { CommandAccess } from './commands/command-access';
import { CommandPipeline } from './commands/command-pipeline';
import { Commands } from './commands/commands';
import { RecoveryCommandsController } from './commands/recovery-commands.controller';
import { SystemCommandsController } from './commands/system-commands.controller';
import type { OrchestratorConfig } from './config';
import { CommitHints } from './leadership/commit-hints';
import { Leadership } from './leadership/leadership';
import { ProjectionRunner } from './projection/projection-runner';
import { AgentRegistryReader } from './queries/agent-registry.reader';
import { LogFollower } from './queries/log-follower';
import { QueriesController } from './queries/queries.controller';
import { AgentConvergence } from './reconcile/agent-convergence';
import { AgentRecorder } from './reconcile/agent-recorder';
import { ContainerActions } from './reconcile/container-actions';
import { ControlPlaneLabels } from './reconcile/control-plane-labels';
import { DockerWatch } from './reconcile/docker-watch';
import { Quarantine } from './reconcile/quarantine';
import { Reconciler } from './reconcile/reconciler';
import { EventRelay } from './relay/event-relay';
import { RelayLag } from './relay/relay-lag';
import { SecretStore } from './secrets/secret-store';
import { OrchestratorStartup } from './startup/orchestrator-startup';
import { containerPolicyFromConfig, hostSize } from './templates/container-policy.config';
import { TemplateCatalog } from './templates/template-catalog';
import { POLICY } from './tokens';

/**
 * The orchestrator: command and query handlers on the bus (every replica, one queue
 * group; see main.ts), and the roles only the elected replica plays (reconciler,
 * relay, projector), each a component that starts and stops itself.
 */
export function orchestratorModule(config: OrchestratorConfig, log: JsonLogger) {
  @Module({
    imports: [DockerModule.forRoot({ host: config.DOCKER_HOST })],
    controllers: [HealthController, AgentCommandsController, RecoveryCommandsController, SystemCommandsController, QueriesController],
    providers: [
      ...coreProviders('orchestrator', config, log, { poolSize: 10, beforeReady: (pool) => prepareSchema(pool, config, log) }),
      factory(POLICY, [DockerDriver], async (docker) => containerPolicyFromConfig(config, await hostSize(docker, log))),
      provide(
        PgEventStore,
        [PG_POOL, NATS],
        (pool: Pool, nc: NatsConnection) =>
          new PgEventStore(pool, (streamIds) => {
            if (!nc.isClosed()) nc.publish(Subjects.appended, JSON.stringify(streamIds));
          }),
      ),
      provide(CommandAudit, [PG_POOL], (pool: Pool) => new CommandAudit(pool)),
      provide(AgentRegistryReader, [PG_POOL], (pool: Pool) => new AgentRegistryReader(pool)),
      provide(Projector, [PG_POOL, PgEventStore], (pool: Pool, store: PgEventStore) => new Projector(pool, store, [agentRegistryProjection, templateRegistryProjection])),
      provide(SecretStore, [PG_POOL], (pool: Pool) => new SecretStore(pool, config.SACP_SECRET_KEY)),
      factory(TemplateCatalog, [POLICY, PgEventStore], (policy, store) => new TemplateCatalog(config.SACP_CONFIG_DIR, policy, store)),
      AgentLocator,
      OrchestratorStartup,
      // commands and queries
      CommandAccess,
      CommandPipeline,
      Commands,
      LogFollower,
      // the elected replica's roles
      Leadership,
      CommitHints,
      EventRelay,
      RelayLag,
      ProjectionRunner,
      Reconciler,
      AgentConvergence,
      ContainerActions,
      AgentRecorder,
      ControlPlaneLabels,
      Quarantine,
      DockerWatch,
      factory(READINESS, [DockerDriver, Leadership], (docker, leadership) => ({
        probes: { docker: () => docker.ping(2000) },
        details: () => ({ leader: leadership.holdsLease }),
      })),
    ],
  })
  class OrchestratorModule {}
  return OrchestratorModule;
}

/**
 * With DATABASE_MIGRATION_URL (the owning role) the orchestrator migrates first, on a
 * connection it closes at once; then, as the services' role, it refuses to run on a
 * schema older than its code.
 */
async function prepareSchema(pool: Pool, config: OrchestratorConfig, log: JsonLogger): Promise<void> {
  if (config.DATABASE_MIGRATION_URL) {
    const owner = createPool(config.DATABASE_MIGRATION_URL, log, 1);
    try {
      const applied = await migrate(owner);
      if (applied.length) log.info('migrated the event store', { applied });
    } finally {
      await owner.end().catch(() => undefined);
    }
  }
  const { warnings } = await checkSchema(pool);
  for (const w of warnings) log.warn(w);
}
