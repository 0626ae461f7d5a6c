import { randomUUID } from 'node:crypto';
import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { DEFAULT_PAGE_SIZE, QueryContracts, type LogLine, truncateLine, type QueryReply, Subjects, describeIssues, validate, ErrorCodes } from '@sacp/events';
import type { EventStore } from '@sacp/event-store';
import { readAuditPage } from './audit-page';
import type { CommandAuditReader } from './audit.reader';
import { readHistoryPage } from './history-page';
import { readLogsPage } from './logs-page';
import { readStatusPage } from './status-page';
import { DomainError } from '@sacp/domain';
import type { DockerDriver } from '@sacp/docker';
import type { JsonLogger } from '@sacp/platform';
import type { AgentLocator } from '../commands/agent-locator';
import type { TemplateCatalog } from '../templates/template-catalog';
import type { AgentRegistryReader } from './agent-registry.reader';
import { readQuarantined } from './quarantine.reader';
import type { TemplateRegistryReader } from './template-registry.reader';

export interface QueryDeps {
  agents: AgentLocator;
  registry: AgentRegistryReader;
  docker: DockerDriver;
  catalog: TemplateCatalog;
  nc: NatsConnection;
  audit: CommandAuditReader;
  templates: TemplateRegistryReader;
  store: EventStore;
  log: JsonLogger;
}

/** A paged result: one page and the cursor of the next, if any. */
class Page {
  constructor(
    readonly result: unknown,
    readonly nextCursor?: string,
  ) {}
}

/** How long a followed log stream lives without a keep-alive from its reader. */
const FOLLOW_LEASE_MS = 30_000;

/** Read-only requests, answered by any replica. */
export function queryHandlers(d: QueryDeps): Record<string, (body: unknown, msg: Msg) => Promise<QueryReply>> {
  const parse = <K extends keyof typeof QueryContracts>(type: K, body: unknown) => {
    const v = validate(QueryContracts[type], body ?? {});
    if (!v.ok) throw new DomainError(ErrorCodes.COMMAND_MALFORMED, `invalid ${type} request: ${describeIssues(v.issues)}`, { issues: v.issues });
    return v.value as ReturnType<(typeof QueryContracts)[K]['parse']>;
  };
  /** A handler's result or its error as a reply; a paged result is `{ result, nextCursor }` wrapped by `page`. */
  const answer = async (fn: () => Promise<unknown>): Promise<QueryReply> => {
    try {
      const r = await fn();
      if (r instanceof Page) return r.nextCursor ? { ok: true, result: r.result, nextCursor: r.nextCursor } : { ok: true, result: r.result };
      return { ok: true, result: r };
    } catch (err) {
      const e = err as { code?: string; message: string; details?: Record<string, unknown> };
      if (!e.code) d.log.error('query failed', { error: err });
      return { ok: false, error: { code: e.code ?? ErrorCodes.INTERNAL, message: e.message, details: e.details } };
    }
  };
  const page = (p: { result: unknown; nextCursor?: string }) => new Page(p.result, p.nextCursor);

  return {
    [Subjects.query('agent.status')]: (body) =>
      answer(async () => {
        const q = parse('agent.status', body);
        if (q.agent) {
          const { agentId } = await d.agents.resolveId(q.agent);
          const view = await d.registry.get(agentId);
          return view ? [view] : [];
        }
        return page(await readStatusPage(d.registry, { cursor: q.cursor, pageSize: q.pageSize ?? DEFAULT_PAGE_SIZE['agent.status'] }));
      }),
    [Subjects.query('agent.history')]: (body) =>
      answer(async () => {
        const q = parse('agent.history', body);
        return page(await readHistoryPage(d.store, d.agents, { agent: q.agent, limit: q.limit, cursor: q.cursor, pageSize: q.pageSize ?? DEFAULT_PAGE_SIZE['agent.history'] }));
      }),
    [Subjects.query('agent.logs')]: (body) =>
      answer(async () => {
        const q = parse('agent.logs', body);
        const { state } = await d.agents.resolve(q.agent);
        if (!state.containerId)
          throw new DomainError(ErrorCodes.CONTAINER_NOT_FOUND, `agent "${state.name}" has no container yet (observed: ${state.observed})`, { agent: state.name });
        if (!q.follow)
          return page(
            await readLogsPage(d.docker, {
              agent: state.name,
              containerId: state.containerId,
              lines: q.lines,
              cursor: q.cursor,
              pageSize: q.pageSize ?? DEFAULT_PAGE_SIZE['agent.logs'],
            }),
          );
        const subject = Subjects.logStream(state.agentId, randomUUID().replace(/-/g, ''));
        followLogs(d, state.containerId, subject, q.lines);
        return { agent: state.name, subject, keepAliveMs: FOLLOW_LEASE_MS / 3 };
      }),
    [Subjects.query('audit.list')]: (body) =>
      answer(async () => {
        const q = parse('audit.list', body);
        return page(await readAuditPage(d.audit, { ...q, pageSize: q.pageSize ?? DEFAULT_PAGE_SIZE['audit.list'] }));
      }),
    [Subjects.query('template.list')]: () =>
      answer(async () => {
        const { templates, problems } = d.catalog.readAll();
        const registered = await d.templates.latest();
        return {
          templates: templates.map((t) => {
            const r = registered.get(t.template.name);
            return {
              name: t.template.name,
              description: t.template.description,
              image: t.template.image,
              file: t.file,
              version: r?.version ?? null,
              changedSinceRegistered: r ? r.hash !== t.hash : true,
              resources: t.template.resources,
            };
          }),
          problems,
        };
      }),
    [Subjects.query('quarantine.list')]: (body) =>
      answer(async () => {
        const q = parse('quarantine.list', body);
        const views = await readQuarantined(d.store, { all: q.all, limit: q.limit });
        for (const v of views) v.present = (await d.docker.inspect(v.containerId).catch(() => null)) !== null;
        return views;
      }),
  };
}

/**
 * Streams a container's log lines to `subject` until the reader sends anything to
 * `<subject>.stop`, stops renewing its lease on `<subject>.alive`, or the container stops.
 * The stream ends with an empty message carrying header-free JSON `{ "end": true }`.
 */
function followLogs(d: QueryDeps, containerId: string, subject: string, tail: number): void {
  const controller = new AbortController();
  let lease = setTimeout(() => controller.abort(), FOLLOW_LEASE_MS);
  const control = d.nc.subscribe(`${subject}.*`, {
    callback: (_err, msg) => {
      if (msg.subject.endsWith('.stop')) controller.abort();
      else {
        clearTimeout(lease);
        lease = setTimeout(() => controller.abort(), FOLLOW_LEASE_MS);
      }
    },
  });
  void (async () => {
    try {
      for await (const line of d.docker.followLogs(containerId, { tail, signal: controller.signal }) as AsyncIterable<LogLine>) {
        const t = truncateLine(line.line);
        d.nc.publish(subject, JSON.stringify(t.cutBytes ? { ...line, line: t.line } : line));
      }
    } catch (err) {
      if (!controller.signal.aborted) d.log.warn('log follow ended with an error', { containerId, error: err });
    } finally {
      clearTimeout(lease);
      control.unsubscribe();
      d.nc.publish(subject, JSON.stringify({ end: true }));
    }
  })();
}
