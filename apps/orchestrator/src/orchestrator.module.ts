import { Module } from '@nestjs/common';
import { DockerDriver } from '@sacp/docker';
import { DockerModule } from '@sacp/docker/nest';
import { EventStore, SecretRepository } from '@sacp/event-store';
import { EventStoreModule } from '@sacp/event-store/nest';
import { Subjects } from '@sacp/events';
import { type JsonLogger } from '@sacp/platform';
import { coreProviders, factory, HealthController, NATS, READINESS } from '@sacp/platform/nest';
import { AgentBus } from './agent-bus/agent-bus';
import { AgentChannel } from './agent-bus/agent-channel';
import { AgentCommandsController } from './commands/agent-commands.controller';
import { AlertCommandsController } from './commands/alert-commands.controller';
import { AgentLocator } from './commands/agent-locator';
import { CommandAccess } from './commands/command-access';
import { CommandPipeline } from './commands/command-pipeline';
import { Commands } from './commands/commands';
import { RecoveryCommandsController } from './commands/recovery-commands.controller';
import { SystemCommandsController } from './commands/system-commands.controller';
import { UsersCommandsController } from './commands/users-commands.controller';
import type { OrchestratorConfig } from './config';
import { CommitHints } from './leadership/commit-hints';
import { Leadership } from './leadership/leadership';
import { ProjectionRunner } from './projection/projection-runner';
import { AgentRegistryReader } from './queries/agent-registry.reader';
import { AlertsReader } from './queries/alerts.reader';
import { CommandAuditReader } from './queries/audit.reader';
import { TemplateRegistryReader } from './queries/template-registry.reader';
import { LogFollower } from './queries/log-follower';
import { QueriesController } from './queries/queries.controller';
import { AgentConvergence } from './reconcile/agent-convergence';
import { AgentRecorder } from './reconcile/agent-recorder';
import { ContainerActions } from './reconcile/container-actions';
import { ControlPlaneLabels } from './reconcile/control-plane-labels';
import { DockerWatch } from './reconcile/docker-watch';
import { Quarantine } from './reconcile/quarantine';
import { Reconciler } from './reconcile/reconciler';
import { AgentVolumes } from './volumes/agent-volumes';
import { VolumeCatalog } from './volumes/volume-catalog';
import { VolumeSizes } from './volumes/volume-sizes';
import { VolumeCommandsController, VolumeQueriesController } from './volumes/volumes.controller';
import { EventRelay } from './relay/event-relay';
import { RelayLag } from './relay/relay-lag';
import { SecretStore } from './secrets/secret-store';
import { OrchestratorStartup } from './startup/orchestrator-startup';
import { containerPolicyFromConfig, hostSize } from './templates/container-policy.config';
import { TemplateCatalog } from './templates/template-catalog';
import { TeamCommandsController } from './teams/team-commands.controller';
import { TeamQueriesController } from './queries/team-queries.controller';
import { TeamReader } from './queries/team.reader';
import { TeamFiles } from './teams/team-files';
import { TeamLocator } from './teams/team-locator';
import { TASK_AGENT_CHANNEL } from './tasks/agent-channel.port';
import { TaskCommandsController } from './tasks/task-commands.controller';
import { TaskDispatcher } from './tasks/task-dispatcher';
import { TaskLocator } from './tasks/task-locator';
import { TaskOffers } from './tasks/task-offers';
import { TaskQueriesController } from './tasks/task-queries.controller';
import { TaskReports } from './tasks/task-reports';
import { TaskWriter } from './tasks/task-writer';
import { taskChannelOf } from './tasks/task-channel';
import { APPEND_HINTS, POLICY } from './tokens';

/**
 * The orchestrator: command and query handlers on the bus (every replica, one queue
 * group; see main.ts), and the roles only the elected replica plays (reconciler,
 * relay, projector), each a component that starts and stops itself.
 */
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
    controllers: [
      HealthController,
      AgentCommandsController,
      RecoveryCommandsController,
      SystemCommandsController,
      UsersCommandsController,
      AlertCommandsController,
      TeamCommandsController,
      QueriesController,
      VolumeQueriesController,
      VolumeCommandsController,
      TeamQueriesController,
      TaskCommandsController,
      TaskQueriesController,
    ],
    providers: [
      ...coreProviders('orchestrator', config, log),
      factory(POLICY, [DockerDriver], async (docker) => containerPolicyFromConfig(config, await hostSize(docker, log))),
      // writers (any replica) announce their commits on the bus; the leader reacts at once instead of at its next poll
      factory(APPEND_HINTS, [EventStore, NATS], (store, nc) =>
        store.onAppend((streamIds) => {
          if (!nc.isClosed()) nc.publish(Subjects.appended, JSON.stringify(streamIds));
        }),
      ),
      AgentRegistryReader,
      AlertsReader,
      CommandAuditReader,
      TemplateRegistryReader,
      TeamReader,
      factory(SecretStore, [SecretRepository], (secrets) => new SecretStore(secrets, config.SACP_SECRET_KEY)),
      factory(TemplateCatalog, [POLICY, EventStore], (policy, store) => new TemplateCatalog(config.SACP_CONFIG_DIR, policy, store)),
      AgentLocator,
      TeamLocator,
      factory(TeamFiles, [], () => new TeamFiles(config.SACP_CONFIG_DIR)),
      OrchestratorStartup,
      // tasks: reports from agents (any replica), the dispatcher (the elected one)
      factory(TASK_AGENT_CHANNEL, [AgentChannel], taskChannelOf),
      TaskLocator,
      TaskWriter,
      TaskOffers,
      TaskReports,
      TaskDispatcher,
      // commands and queries
      CommandAccess,
      CommandPipeline,
      Commands,
      LogFollower,
      // agent protocol v1: offers and cancels to agents, their reports (every replica, one queue group)
      AgentChannel,
      // per-agent NATS credentials and the gateway agents reach the bus through (every replica)
      AgentBus,
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
      VolumeSizes,
      VolumeCatalog,
      AgentVolumes,
      factory(READINESS, [DockerDriver, Leadership], (docker, leadership) => ({
        probes: { docker: () => docker.ping(2000) },
        details: () => ({ leader: leadership.holdsLease }),
      })),
    ],
  })
  class OrchestratorModule {}
  return OrchestratorModule;
}
