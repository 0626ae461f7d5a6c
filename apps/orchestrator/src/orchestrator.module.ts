import { Module } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import type { ContainerPolicy } from '@sacp/domain';
import { DockerDriver, DockerModule } from '@sacp/docker';
import { CommandAudit, PgEventStore, migrate, checkSchema, Projector, agentRegistryProjection, templateRegistryProjection } from '@sacp/event-store';
import { Subjects } from '@sacp/events';
import { type JsonLogger, createPool, coreProviders, provide, HealthController, type ServiceReadiness, NATS, PG_POOL, READINESS } from '@sacp/platform';
import type { OrchestratorConfig } from './config';
import { containerPolicyFromConfig, hostSize } from './templates/container-policy.config';
import { AgentLocator } from './commands/agent-locator';
import { OrchestratorRuntime } from './orchestrator.runtime';
import { AgentRegistryReader } from './queries/agent-registry.reader';
import { TemplateCatalog } from './templates/template-catalog';
import { POLICY } from './tokens';
import { SecretStore } from './secrets/secret-store';

export function orchestratorModule(config: OrchestratorConfig, log: JsonLogger) {
  @Module({
    imports: [DockerModule.forRoot({ host: config.DOCKER_HOST })],
    controllers: [HealthController],
    providers: [
      ...coreProviders('orchestrator', config, log, { poolSize: 10, beforeReady: (pool) => prepareSchema(pool, config, log) }),
      provide(POLICY, [DockerDriver], async (docker: DockerDriver): Promise<ContainerPolicy> => containerPolicyFromConfig(config, await hostSize(docker, log))),
      provide(
        PgEventStore,
        [PG_POOL, NATS],
        (pool: Pool, nc: NatsConnection) =>
          new PgEventStore(pool, (streamIds) => {
            if (!nc.isClosed()) nc.publish(Subjects.appended, JSON.stringify(streamIds));
          }),
      ),
      provide(CommandAudit, [PG_POOL], (pool: Pool) => new CommandAudit(pool)),
      provide(AgentLocator, [PgEventStore], (store: PgEventStore) => new AgentLocator(store)),
      provide(AgentRegistryReader, [PG_POOL], (pool: Pool) => new AgentRegistryReader(pool)),
      provide(Projector, [PG_POOL, PgEventStore], (pool: Pool, store: PgEventStore) => new Projector(pool, store, [agentRegistryProjection, templateRegistryProjection])),
      provide(TemplateCatalog, [POLICY, PgEventStore], (policy: ContainerPolicy, store: PgEventStore) => new TemplateCatalog(config.SACP_CONFIG_DIR, policy, store)),
      provide(SecretStore, [PG_POOL], (pool: Pool) => new SecretStore(pool, config.SACP_SECRET_KEY)),
      OrchestratorRuntime,
      provide(READINESS, [DockerDriver, OrchestratorRuntime], (docker: DockerDriver, runtime: OrchestratorRuntime): ServiceReadiness => ({
        probes: { docker: () => docker.ping(2000) },
        details: () => ({ leader: runtime.isLeader }),
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
