import { Injectable } from '@nestjs/common';
import { DomainError } from '@sacp/domain';
import { AgentLogRepository, type AgentLogRow, type LogSearchKey } from '@sacp/event-store';
import { decodeCursor, encodeCursor, ErrorCodes, fitPage, Limits, type QueryReply, type StoredLogLine, type LogSearchQuery } from '@sacp/events';
import { FleetView } from '../fleet/fleet-view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR = 'logs.search';

/**
 * Answers `logs.search` from the stored lines, newest first, one page at a time (keyset
 * on the line's key, so a page costs its own size). Any monitor replica answers.
 */
@Injectable()
export class LogSearchHandler {
  constructor(
    private readonly repo: AgentLogRepository,
    private readonly fleet: FleetView,
  ) {}

  async search(q: LogSearchQuery): Promise<QueryReply<StoredLogLine[]>> {
    const after = q.cursor ? decodeCursor<LogSearchKey & Record<string, unknown>>(CURSOR, q.cursor) : undefined;
    if (after === null) throw new DomainError(ErrorCodes.QUERY_CURSOR_INVALID, 'the cursor is not one logs.search handed out; start again without it');
    const rows = await this.repo.search({
      ...(q.agent ? { agentIds: this.agentIds(q.agent) } : {}),
      ...(q.team ? { team: q.team } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
      ...(q.text ? { text: q.text } : {}),
      ...(after ? { after: { ts: after.ts, containerId: after.containerId, stream: after.stream, seq: after.seq } } : {}),
      limit: q.limit + 1,
    });
    const items = rows.slice(0, q.limit).map(toView);
    const n = fitPage(items, q.limit, Limits.PAGE_MAX_BYTES);
    const page = items.slice(0, n);
    const last = rows[n - 1];
    return rows.length > n && last ? { ok: true, result: page, nextCursor: encodeCursor(CURSOR, keyOf(last)) } : { ok: true, result: page };
  }

  /** An agent's id, or every agent that had this name (removed ones too: their lines stay searchable). */
  private agentIds(agent: string): string[] {
    if (UUID.test(agent)) return [agent.toLowerCase()];
    const ids = this.fleet
      .everAgents()
      .filter((a) => a.name === agent)
      .map((a) => a.agentId);
    if (ids.length === 0) throw new DomainError(ErrorCodes.AGENT_NOT_FOUND, `no agent named "${agent}" was ever deployed here`, { agent });
    return ids;
  }
}

const keyOf = (r: AgentLogRow): LogSearchKey & Record<string, unknown> => ({ ts: r.ts, containerId: r.containerId, stream: r.stream, seq: r.seq });

const toView = (r: AgentLogRow): StoredLogLine => ({
  at: r.ts,
  agentId: r.agentId,
  agentName: r.agentName,
  team: r.team,
  containerId: r.containerId,
  stream: r.stream,
  line: r.line,
});
