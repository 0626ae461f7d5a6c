import { randomUUID } from 'node:crypto';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError } from '@sacp/domain';
import { DockerDriver } from '@sacp/docker';
import { CredentialRepository, EventStore } from '@sacp/event-store';
import { DEFAULT_PAGE_SIZE, ErrorCodes, Subjects, type AsOf, type QueryReply } from '@sacp/events';
import { QueryHandlers } from '../bus/handlers.decorator';
import { QueryPipe, type QueryOf } from '../bus/query.pipe';
import { AgentLocator } from '../commands/agent-locator';
import { TemplateCatalog } from '../templates/template-catalog';
import { AgentRegistryReader } from './agent-registry.reader';
import { AlertsReader } from './alerts.reader';
import { readAuditPage } from './audit-page';
import { CommandAuditReader } from './audit.reader';
import { readCommand } from './command-get';
import { readEventsSpan } from './events-span';
import { readHistoryPage } from './history-page';
import { FOLLOW_LEASE_MS, LogFollower } from './log-follower';
import { readLogsPage } from './logs-page';
import { listQuarantine } from './quarantine-list';
import { readAgentAt, readFleetAtPage } from './fleet-at';
import { readStatusPage } from './status-page';
import { listTemplates } from './template-list';
import { readTemplate, readTemplateDiff, readTemplateVersion, readTemplateVersions, type TemplateReads } from './template-details';
import { TemplateRegistryReader } from './template-registry.reader';

const ok = <R>(result: R): QueryReply<R> => ({ ok: true, result });
/** One page of a paginated query; `nextCursor` only when more remains. */
const page = <R>(p: { result: R; nextCursor?: string; asOf?: AsOf }): QueryReply<R> => ({
  ok: true,
  result: p.result,
  ...(p.nextCursor ? { nextCursor: p.nextCursor } : {}),
  ...(p.asOf ? { asOf: p.asOf } : {}),
});

/** Read-only requests, answered by any replica. Each body is validated against its contract by QueryPipe. */
@QueryHandlers()
export class QueriesController {
  constructor(
    private readonly agents: AgentLocator,
    private readonly registry: AgentRegistryReader,
    private readonly docker: DockerDriver,
    private readonly catalog: TemplateCatalog,
    private readonly store: EventStore,
    private readonly logs: LogFollower,
    private readonly auditReader: CommandAuditReader,
    private readonly templateRegistry: TemplateRegistryReader,
    private readonly credentials: CredentialRepository,
    private readonly alerts: AlertsReader,
  ) {
    this.templateReads = { store, catalog, registry };
  }

  private readonly templateReads: TemplateReads;

  /** The name and id an agent reference stands for (an unknown one stands for itself: a removed agent's old name, say). */
  private async agentRefs(ref: string): Promise<string[]> {
    const refs = new Set([ref]);
    try {
      const { agentId } = await this.agents.resolveId(ref);
      refs.add(agentId);
      const view = await this.registry.get(agentId);
      if (view) refs.add(view.name);
    } catch (err) {
      if (!(err instanceof DomainError && err.code === ErrorCodes.AGENT_NOT_FOUND)) throw err;
    }
    return [...refs];
  }

  @MessagePattern(Subjects.query('agent.status'))
  async status(@Payload(new QueryPipe('agent.status')) q: QueryOf<'agent.status'>): Promise<QueryReply> {
    const pageSize = q.pageSize ?? DEFAULT_PAGE_SIZE['agent.status'];
    if (q.at) return page(q.agent ? await readAgentAt(this.store, q.agent, q.at) : await readFleetAtPage(this.store, { ...q, at: q.at, pageSize }));
    if (q.agent) {
      const { agentId } = await this.agents.resolveId(q.agent);
      const view = await this.registry.get(agentId);
      return ok(view ? [view] : []);
    }
    return page(await readStatusPage(this.registry, { ...q, pageSize }));
  }

  @MessagePattern(Subjects.query('agent.history'))
  async history(@Payload(new QueryPipe('agent.history')) q: QueryOf<'agent.history'>): Promise<QueryReply> {
    return page(await readHistoryPage(this.store, this.agents, { agent: q.agent, limit: q.limit, cursor: q.cursor, pageSize: q.pageSize ?? DEFAULT_PAGE_SIZE['agent.history'] }));
  }

  @MessagePattern(Subjects.query('agent.logs'))
  async logLines(@Payload(new QueryPipe('agent.logs')) q: QueryOf<'agent.logs'>): Promise<QueryReply> {
    const { state } = await this.agents.resolve(q.agent);
    if (!state.containerId)
      throw new DomainError(ErrorCodes.CONTAINER_NOT_FOUND, `agent "${state.name}" has no container yet (observed: ${state.observed})`, { agent: state.name });
    if (!q.follow)
      return page(
        await readLogsPage(this.docker, {
          agent: state.name,
          containerId: state.containerId,
          lines: q.lines,
          cursor: q.cursor,
          pageSize: q.pageSize ?? DEFAULT_PAGE_SIZE['agent.logs'],
        }),
      );
    const subject = Subjects.logStream(state.agentId, randomUUID().replace(/-/g, ''));
    this.logs.follow(state.containerId, subject, q.lines);
    return ok({ agent: state.name, subject, keepAliveMs: FOLLOW_LEASE_MS / 3 });
  }

  @MessagePattern(Subjects.query('audit.list'))
  async audit(@Payload(new QueryPipe('audit.list')) q: QueryOf<'audit.list'>): Promise<QueryReply> {
    const agentRefs = q.agent ? await this.agentRefs(q.agent) : undefined;
    return page(await readAuditPage(this.auditReader, { ...q, agentRefs, pageSize: q.pageSize ?? DEFAULT_PAGE_SIZE['audit.list'] }));
  }

  @MessagePattern(Subjects.query('events.span'))
  async eventsSpan(@Payload(new QueryPipe('events.span')) _q: QueryOf<'events.span'>): Promise<QueryReply> {
    return ok(await readEventsSpan(this.store));
  }

  @MessagePattern(Subjects.query('command.get'))
  async command(@Payload(new QueryPipe('command.get')) q: QueryOf<'command.get'>): Promise<QueryReply> {
    return ok(await readCommand({ audit: this.auditReader, store: this.store }, q.commandId));
  }

  @MessagePattern(Subjects.query('alert.list'))
  async alertList(@Payload(new QueryPipe('alert.list')) q: QueryOf<'alert.list'>): Promise<QueryReply> {
    const agentRefs = q.agent ? await this.agentRefs(q.agent) : undefined;
    return page(await this.alerts.page({ state: q.state, agentRefs, cursor: q.cursor, pageSize: q.pageSize ?? DEFAULT_PAGE_SIZE['alert.list'] }));
  }

  @MessagePattern(Subjects.query('template.list'))
  async templates(@Payload(new QueryPipe('template.list')) _q: QueryOf<'template.list'>): Promise<QueryReply> {
    return ok(await listTemplates({ catalog: this.catalog, templates: this.templateRegistry }));
  }

  @MessagePattern(Subjects.query('template.get'))
  async template(@Payload(new QueryPipe('template.get')) q: QueryOf<'template.get'>): Promise<QueryReply> {
    return ok(await readTemplate(this.templateReads, q.name));
  }

  @MessagePattern(Subjects.query('template.versions'))
  async templateVersions(@Payload(new QueryPipe('template.versions')) q: QueryOf<'template.versions'>): Promise<QueryReply> {
    return ok(await readTemplateVersions(this.templateReads, q.name));
  }

  @MessagePattern(Subjects.query('template.version'))
  async templateVersion(@Payload(new QueryPipe('template.version')) q: QueryOf<'template.version'>): Promise<QueryReply> {
    return ok(await readTemplateVersion(this.templateReads, q.name, q.version));
  }

  @MessagePattern(Subjects.query('template.diff'))
  async templateDiff(@Payload(new QueryPipe('template.diff')) q: QueryOf<'template.diff'>): Promise<QueryReply> {
    return ok(await readTemplateDiff(this.templateReads, q.name, q.from, q.to));
  }

  @MessagePattern(Subjects.query('quarantine.list'))
  async quarantine(@Payload(new QueryPipe('quarantine.list')) q: QueryOf<'quarantine.list'>): Promise<QueryReply> {
    return ok(await listQuarantine({ store: this.store, docker: this.docker }, q));
  }

  @MessagePattern(Subjects.query('user.list'))
  async users(@Payload(new QueryPipe('user.list')) _q: QueryOf<'user.list'>): Promise<QueryReply> {
    return ok(await this.credentials.listUsers());
  }

  @MessagePattern(Subjects.query('token.list'))
  async tokens(@Payload(new QueryPipe('token.list')) q: QueryOf<'token.list'>): Promise<QueryReply> {
    return ok(await this.credentials.listTokens(q.all));
  }
}
