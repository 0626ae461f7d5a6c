import { ErrorCodes, Limits, decodeCursor, encodeCursor, fitPage, type HistoryEntry, type StoredEvent } from '@sacp/events';
import { DomainError, agentStreamId } from '@sacp/domain';
import type { EventStore } from '@sacp/event-store';
import type { AgentLocator } from '../commands/agent-locator';

/** The next page starts at stream position `f` of agent `a` and ends at `t` (the stream's version when paging began). */
interface HistoryCursor extends Record<string, unknown> {
  a: string;
  f: number;
  t: number;
}

const toEntry = (e: StoredEvent): HistoryEntry => ({
  eventId: e.eventId,
  position: e.globalPosition,
  streamPosition: e.streamPosition,
  type: e.type,
  at: e.metadata.occurredAt,
  actor: e.metadata.actor,
  source: e.metadata.source,
  reason: e.metadata.reason,
  commandId: e.metadata.commandId,
  causationId: e.metadata.causationId,
  data: e.data,
});

/**
 * One page of an agent's history, oldest first, read by stream position range: a
 * history of any length costs one page of memory per request. The range is fixed
 * when paging begins (events appended later are not in it).
 */
export async function readHistoryPage(
  store: EventStore,
  agents: AgentLocator,
  q: { agent: string; limit?: number; cursor?: string; pageSize: number },
): Promise<{ result: HistoryEntry[]; nextCursor?: string }> {
  let position: HistoryCursor;
  if (q.cursor) {
    const c = decodeCursor<HistoryCursor>('agent.history', q.cursor);
    if (!c || typeof c.a !== 'string' || !Number.isInteger(c.f) || !Number.isInteger(c.t) || c.f < 1)
      throw new DomainError(ErrorCodes.QUERY_CURSOR_INVALID, 'this cursor is not one agent.history handed out; start again without a cursor');
    const { agentId } = await agents.resolveId(q.agent);
    if (agentId !== c.a) throw new DomainError(ErrorCodes.QUERY_CURSOR_INVALID, `this cursor belongs to another agent than "${q.agent}"`);
    position = c;
  } else {
    const { agentId, version } = await agents.resolveId(q.agent);
    position = { a: agentId, f: q.limit ? Math.max(1, version - q.limit + 1) : 1, t: version };
  }
  // one more than a page, to know whether more remain without a count
  const events = await store.readStreamRange(agentStreamId(position.a), position.f, position.t, q.pageSize + 1);
  const entries = events.map(toEntry);
  const n = fitPage(entries, q.pageSize, Limits.PAGE_MAX_BYTES);
  const page = entries.slice(0, n);
  const last = page[page.length - 1];
  if (entries.length <= n || !last) return { result: page };
  return { result: page, nextCursor: encodeCursor('agent.history', { a: position.a, f: last.streamPosition + 1, t: position.t }) };
}
