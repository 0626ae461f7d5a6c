import type { QueryType } from '@sacp/events';
import type { CliContext } from './context';
import { refused } from './errors';

/**
 * Every page of a paginated query, one at a time, following `nextCursor` until the
 * control plane says there is no more. Long work shows progress on an interactive
 * stderr (never in pipes).
 */
export async function* queryPages<R>(ctx: CliContext, type: QueryType, body: Record<string, unknown>, what: string, count: (page: R) => number): AsyncGenerator<R> {
  const started = Date.now();
  let cursor: string | undefined;
  let pages = 0;
  let items = 0;
  do {
    const reply = await ctx.client.queryReply<R>(type, cursor ? { ...body, cursor } : body);
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
export async function queryAll<T>(ctx: CliContext, type: QueryType, body: Record<string, unknown>, what: string): Promise<T[]> {
  const all: T[] = [];
  for await (const page of queryPages<T[]>(ctx, type, body, what, (p) => p.length)) all.push(...page);
  return all;
}
