import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { COMMAND_TYPES, type CommandType, SYSTEM_ACTOR, ORCHESTRATOR_QUEUE, Subjects, Limits } from '@sacp/events';
import type { ContainerPolicy } from '@sacp/domain';
import { DockerDriver } from '@sacp/docker';
import { serveRequests } from '@sacp/bus';
import { requestErrorReply } from './request-error-reply';
import { CommandAudit, ConcurrencyError, EventStore, LeaderLock, Projector } from '@sacp/event-store';
import { type JsonLogger, CONFIG, LOGGER, NATS } from '@sacp/platform';
import { AgentLocator } from './commands/agent-locator';
import { adoptAgent, alertCommand, changeAgent, deployAgent, recoveryCommand, removeQuarantined } from './commands/agent.use-cases';
import { CommandAccess } from './commands/command-access';
import { CommandPipeline, type UseCase } from './commands/command-pipeline';
import { refuseAccess, replayProjections, setSecret, syncTemplates } from './commands/system.use-cases';
import type { OrchestratorConfig } from './config';
import { AgentRegistryReader } from './queries/agent-registry.reader';
import { CommandAuditReader } from './queries/audit.reader';
import { TemplateRegistryReader } from './queries/template-registry.reader';
import { queryHandlers } from './queries/query-handlers';
import { Reconciler } from './reconcile/reconciler';
import { EventRelay } from './relay/event-relay';
import { SecretStore } from './secrets/secret-store';
import { TemplateCatalog } from './templates/template-catalog';
import { POLICY } from './tokens';

/**
 * Starts what the orchestrator does once its connections exist: command and query
 * handlers (every replica, one queue group) and the elected roles (reconciler,
 * relay, projector) on exactly one replica at a time.
 */
@Injectable()
export class OrchestratorRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly pipeline: CommandPipeline;
  private readonly access: CommandAccess;
  readonly reconciler: Reconciler;
  readonly relay: EventRelay;
  private readonly leader: LeaderLock;
  private subscriptions: Subscription[] = [];
  private projecting: Promise<void> | null = null;
  private projectAgain = false;
  private projectorTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: OrchestratorConfig,
    @Inject(LOGGER) private readonly log: JsonLogger,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(POLICY) policy: ContainerPolicy,
    private readonly store: EventStore,
    audit: CommandAudit,
    private readonly agents: AgentLocator,
    private readonly registry: AgentRegistryReader,
    private readonly auditReader: CommandAuditReader,
    private readonly templates: TemplateRegistryReader,
    private readonly projector: Projector,
    private readonly catalog: TemplateCatalog,
    private readonly docker: DockerDriver,
    secrets: SecretStore,
  ) {
    const clock = () => new Date();
    const useCases: Record<CommandType, UseCase> = {
      'agent.deploy': (c) => deployAgent(c, { catalog, agents, secrets }),
      'agent.start': (c) => changeAgent('start', c, { agents }),
      'agent.stop': (c) => changeAgent('stop', c, { agents }),
      'agent.restart': (c) => changeAgent('restart', c, { agents }),
      'agent.remove': (c) => changeAgent('remove', c, { agents }),
      'agent.adopt': (c) =>
        adoptAgent(c, { agents, docker, registry, identity: { instance: config.SACP_INSTANCE, store: () => store.storeId(), composeProject: config.SACP_COMPOSE_PROJECT } }),
      'container.remove_quarantined': (c) => removeQuarantined(c, { docker, store }),
      'template.sync': () => syncTemplates({ catalog }),
      'system.replay': () => replayProjections({ projector }),
      'secret.set': (c) => setSecret(c, { secrets, store }),
      'agent.schedule_restart': (c) => recoveryCommand(c, { agents, clock }),
      'agent.abandon_recovery': (c) => recoveryCommand(c, { agents, clock }),
      'agent.report_health': (c) => recoveryCommand(c, { agents, clock }),
      'alert.raise': (c) => alertCommand(c, { agents, store }),
      'alert.resolve': (c) => alertCommand(c, { agents, store }),
      'access.refuse': (c) => refuseAccess(c, { store, audit }),
    };
    this.pipeline = new CommandPipeline(store, audit, useCases, log, clock);
    this.access = new CommandAccess((type, body) => this.pipeline.handle(type, body), audit, log);
    this.reconciler = new Reconciler({
      store,
      agents,
      registry,
      docker,
      catalog,
      policy,
      instance: config.SACP_INSTANCE,
      log,
      intervalMs: config.SACP_RECONCILE_INTERVAL_MS,
      watchDockerEvents: config.SACP_WATCH_DOCKER_EVENTS === 'true',
      retry: {
        limit: config.SACP_OPERATION_RETRY_LIMIT,
        initialMs: config.SACP_OPERATION_RETRY_INITIAL_MS,
        maxMs: config.SACP_OPERATION_RETRY_MAX_MS,
        multiplier: config.SACP_OPERATION_RETRY_MULTIPLIER,
      },
      secrets: (t) => secrets.resolveFor(t),
      quarantineGraceMs: config.SACP_QUARANTINE_GRACE_MS,
      fence: () => this.leader.holdsLease,
    });
    this.relay = new EventRelay(store, nc, log, config.SACP_POLL_INTERVAL_MS, undefined, () => this.leader.holdsLease);
    this.leader = new LeaderLock({
      connection: { connectionString: config.DATABASE_URL },
      name: `sacp-orchestrator-leader:${config.SACP_INSTANCE}`,
      onElected: () => {
        this.reconciler.activate();
        this.relay.notify();
        this.relay.activate();
        this.scheduleProjection();
      },
      onLost: () => {
        this.reconciler.deactivate();
        void this.relay.deactivate();
      },
      log: (m, x) => log.info(m, x),
    });
  }

  /** leader right now: elected and within its lease */
  get isLeader(): boolean {
    return this.leader.holdsLease;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.docker
      .ping(3000)
      .catch((err: Error) => this.log.error('Docker is not usable; agents cannot be started until it is', { error: err.message, code: (err as { code?: string }).code }));
    // the store's id labels every container it manages; without it nothing can be told apart, so start-up fails here
    const storeId = await this.store.storeId();
    await this.registerTemplates();
    this.subscriptions = serveRequests(this.nc, {
      queue: ORCHESTRATOR_QUEUE,
      handlers: {
        // one subscription for every command: the subject's last token is the sender's kind, checked before anything else
        [Subjects.commandWildcard]: (body, msg) => this.access.receive(msg.subject, body),
        ...queryHandlers({
          agents: this.agents,
          registry: this.registry,
          docker: this.docker,
          catalog: this.catalog,
          nc: this.nc,
          audit: this.auditReader,
          templates: this.templates,
          store: this.store,
          log: this.log,
        }),
      },
      requestLimit: (subject) =>
        subject.startsWith(Subjects.queryPrefix) ? { bytes: Limits.QUERY_MAX_BYTES, name: 'QUERY_MAX_BYTES' } : { bytes: Limits.COMMAND_MAX_BYTES, name: 'COMMAND_MAX_BYTES' },
      replyLimit: { bytes: Limits.REPLY_MAX_BYTES, name: 'REPLY_MAX_BYTES' },
      log: (msg, fields) => this.log.error(msg, fields),
      onError: (subject, err) => requestErrorReply(subject, err, this.log, (type, code, message) => this.pipeline.recordUnread(type, code, message)),
    });
    // writers (any replica) announce their commits; the leader reacts at once instead of at the next poll
    this.subscriptions.push(
      this.nc.subscribe(Subjects.appended, {
        callback: (_err, msg) => {
          if (!this.leader.holdsLease) return;
          this.relay.notify();
          this.scheduleProjection();
          let streams: unknown = [];
          try {
            streams = JSON.parse(msg.string());
          } catch {
            return;
          }
          if (Array.isArray(streams)) for (const s of streams) if (typeof s === 'string') this.reconciler.onStreamChanged(s);
        },
      }),
    );
    await this.nc.flush();
    this.leader.start();
    this.projectorTimer = setInterval(() => this.leader.holdsLease && this.scheduleProjection(), this.config.SACP_POLL_INTERVAL_MS);
    this.log.info('orchestrator ready', { instance: this.config.SACP_INSTANCE, store: storeId, subjects: COMMAND_TYPES.length });
  }

  /** Template files seen at start-up are recorded as versions, by the system. */
  private async registerTemplates(): Promise<void> {
    try {
      const outcome = await syncTemplates({ catalog: this.catalog });
      const problems = (outcome.result.problems as { file: string; field: string; message: string }[]) ?? [];
      for (const p of problems) this.log.warn('template file is invalid and was not registered', { ...p });
      if (!outcome.appends.length) return;
      const now = new Date().toISOString();
      await this.store.append(outcome.appends, {
        commandId: null,
        correlationId: `startup-${now}`,
        causationId: null,
        actor: SYSTEM_ACTOR,
        source: 'orchestrator:startup',
        reason: 'template files changed',
        occurredAt: now,
      });
      this.log.info('template versions registered', { registered: outcome.result.registered });
    } catch (err) {
      if (err instanceof ConcurrencyError) return; // another replica registered them first
      throw err;
    }
  }

  /** Projector passes never overlap; a request during one runs another after it. */
  scheduleProjection(): void {
    if (this.projecting) {
      this.projectAgain = true;
      return;
    }
    this.projecting = (async () => {
      do {
        this.projectAgain = false;
        try {
          await this.projector.catchUp();
        } catch (err) {
          this.log.warn('projection pass failed; will retry', { error: err });
        }
      } while (this.projectAgain);
      this.projecting = null;
    })();
  }

  /** Stops the work first; the shared connections close after (ConnectionsShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.projectorTimer) clearInterval(this.projectorTimer);
    for (const s of this.subscriptions) s.unsubscribe();
    this.reconciler.deactivate();
    await this.relay.deactivate();
    await this.reconciler.idle();
    await this.projecting;
    await this.leader.stop();
  }
}
