import { Module } from '@nestjs/common';
import type { ContainerPolicy } from '@sacp/domain';
import { DockerDriver, DockerModule } from '@sacp/docker';
import { EventStoreModule, PgEventStore, SecretRepository } from '@sacp/event-store';
import { Subjects } from '@sacp/events';
import { type JsonLogger, coreProviders, factory, provide, HealthController, type ServiceReadiness, NATS, READINESS } from '@sacp/platform';
import type { OrchestratorConfig } from './config';
import { containerPolicyFromConfig, hostSize } from './templates/container-policy.config';
import { AgentLocator } from './commands/agent-locator';
import { OrchestratorRuntime } from './orchestrator.runtime';
import { AgentRegistryReader } from './queries/agent-registry.reader';
import { CommandAuditReader } from './queries/audit.reader';
import { TemplateRegistryReader } from './queries/template-registry.reader';
import { TemplateCatalog } from './templates/template-catalog';
import { APPEND_HINTS, POLICY } from './tokens';
import { SecretStore } from './secrets/secret-store';

export function orchestratorModule(config: OrchestratorConfig, log: JsonLogger) {
  @Module({
    imports: [
      DockerModule.forRoot({ host: config.DOCKER_HOST }),
      /*
       * The store (its DataSource as the services' role). With DATABASE_MIGRATION_URL (the
       * owning role) it migrates first, on a connection it closes at once; then it refuses
       * to run on a schema older than its code.
       */
      EventStoreModule.forRootAsync({
        useFactory: () => ({ url: config.DATABASE_URL, poolSize: 10, applicationName: 'sacp-orchestrator', migrationUrl: config.DATABASE_MIGRATION_URL, log }),
      }),
    ],
    controllers: [HealthController],
    providers: [
      ...coreProviders('orchestrator', config, log),
      provide(POLICY, [DockerDriver], async (docker: DockerDriver): Promise<ContainerPolicy> => containerPolicyFromConfig(config, await hostSize(docker, log))),
      // writers (any replica) announce their commits on the bus; the leader reacts at once instead of at its next poll
      factory(APPEND_HINTS, [PgEventStore, NATS], (store, nc) =>
        store.onAppend((streamIds) => {
          if (!nc.isClosed()) nc.publish(Subjects.appended, JSON.stringify(streamIds));
        }),
      ),
      factory(AgentLocator, [PgEventStore], (store) => new AgentLocator(store)),
      AgentRegistryReader,
      CommandAuditReader,
      TemplateRegistryReader,
      provide(TemplateCatalog, [POLICY, PgEventStore], (policy: ContainerPolicy, store: PgEventStore) => new TemplateCatalog(config.SACP_CONFIG_DIR, policy, store)),
      factory(SecretStore, [SecretRepository], (secrets) => new SecretStore(secrets, config.SACP_SECRET_KEY)),
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
