import { ErrorCodes, Limits, decodeCursor, encodeCursor, fitPage, type AgentStatusView } from '@sacp/events';
import { DomainError } from '@sacp/domain';
import type { AgentRegistryReader, StatusFilters, StatusKey } from './agent-registry.reader';

/** One page of every agent's status, in `sacp status` order, after the cursor's agent. */
export async function readStatusPage(
  registry: AgentRegistryReader,
  q: StatusFilters & { cursor?: string; pageSize: number },
): Promise<{ result: AgentStatusView[]; nextCursor?: string }> {
  let after: StatusKey | null = null;
  if (q.cursor) {
    after = decodeCursor<StatusKey & Record<string, unknown>>('agent.status', q.cursor);
    if (!after || typeof after.at !== 'string' || typeof after.name !== 'string' || typeof after.id !== 'string')
      throw new DomainError(ErrorCodes.QUERY_CURSOR_INVALID, 'this cursor is not one agent.status handed out; start again without a cursor');
  }
  const rows = await registry.page(after, q.pageSize + 1, q);
  const n = fitPage(
    rows.map((r) => r.view),
    q.pageSize,
    Limits.PAGE_MAX_BYTES,
  );
  const result = rows.slice(0, n).map((r) => r.view);
  const last = rows[n - 1];
  if (!last || rows.length <= n) return { result };
  return { result, nextCursor: encodeCursor('agent.status', { ...last.key }) };
}
