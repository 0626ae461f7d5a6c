import type { AuditEntryView, AgentStatusView, HistoryEntry, LogsPage, QueryRequest, QueryReply, WireError } from '@sacp/events';
import type { CliContext } from './context';
import { refused } from './errors';

/** The paginated queries, and what one page of each holds. */
interface Pages {
  'agent.status': AgentStatusView[];
  'agent.history': HistoryEntry[];
  'agent.logs': LogsPage;
  'audit.list': AuditEntryView[];
}
type PagedQuery = keyof Pages;

/**
 * Every page of a paginated query, one at a time, following `nextCursor` until the
 * control plane says there is no more. Long work shows progress on an interactive
 * stderr (never in pipes).
 */
export async function* queryPages<Q extends PagedQuery>(
  ctx: CliContext,
  type: Q,
  body: QueryRequest<Q>,
  what: string,
  count: (page: Pages[Q]) => number,
): AsyncGenerator<Pages[Q]> {
  const started = Date.now();
  let cursor: string | undefined;
  let pages = 0;
  let items = 0;
  do {
    // the paged queries share their paging; each page is typed by Pages
    const reply = (await ctx.bus.query(type, (cursor ? { ...body, cursor } : body) as never)) as QueryReply<Pages[Q]> | { ok: false; error: WireError };
    if (!reply.ok) throw refused(reply.error, what);
    pages++;
    items += count(reply.result);
    cursor = reply.nextCursor;
    if (cursor && Date.now() - started > 1000) ctx.io.progress(`${what}: ${items} so far (${pages} pages), more to come…\r`);
    yield reply.result;
  } while (cursor);
  if (pages > 1 && Date.now() - started > 1000) ctx.io.progress(`${what}: ${items} in ${pages} pages${' '.repeat(20)}\n`);
}

/** All items of a paginated list query. */
export async function queryAll<Q extends Exclude<PagedQuery, 'agent.logs'>>(ctx: CliContext, type: Q, body: QueryRequest<Q>, what: string): Promise<Pages[Q][number][]> {
  const all: Pages[Q][number][] = [];
  for await (const page of queryPages(ctx, type, body, what, (p) => p.length)) all.push(...page);
  return all;
}
