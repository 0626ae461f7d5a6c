import { agentStreamId, DomainError, teamStreamId } from '@sacp/domain';
import type { ActivityRepository, ActivityScope } from '@sacp/event-store';
import { ErrorCodes, Limits, decodeCursor, encodeCursor, fitPage, type ActivityEntry, type StoredEvent } from '@sacp/events';
import { summarizeEvent } from '@sacp/presentation';
import type { AgentLocator } from '../commands/agent-locator';
import type { TeamLocator } from '../teams/team-locator';
import { teamNotFound } from '../teams/team-locator';
import type { AgentRegistryReader } from './agent-registry.reader';

interface ActivityCursor extends Record<string, unknown> {
  /** what the feed is of (a team's name, an agent's id) */
  of: string;
  /** the page ends below this global position */
  b: string;
}

export interface ActivityDeps {
  activity: ActivityRepository;
  registry: AgentRegistryReader;
}

const agentIdOf = (e: StoredEvent): string | null => {
  if (e.streamId.startsWith('agent-') && !e.streamId.startsWith('agent-name-')) return e.streamId.slice('agent-'.length);
  const d = e.data as { agentId?: unknown };
  return typeof d?.agentId === 'string' ? d.agentId : null;
};

/** One page of a feed, newest first: each event in words, with who did it and why. */
async function readFeed(
  deps: ActivityDeps,
  query: 'team.activity' | 'agent.activity',
  of: string,
  team: string | null,
  scope: ActivityScope,
  q: { cursor?: string; pageSize: number },
): Promise<{ result: ActivityEntry[]; nextCursor?: string }> {
  let before: string | null = null;
  if (q.cursor) {
    const c = decodeCursor<ActivityCursor>(query, q.cursor);
    if (!c || c.of !== of || typeof c.b !== 'string' || !/^\d+$/.test(c.b))
      throw new DomainError(ErrorCodes.QUERY_CURSOR_INVALID, `this cursor is not one ${query} handed out for "${of}"; start again without a cursor`);
    before = c.b;
  }
  const events = await deps.activity.page(scope, before, q.pageSize + 1);
  const ids = [...new Set(events.map(agentIdOf).filter((id): id is string => id !== null))];
  const names = await deps.registry.byIds(ids);
  const entries = events.map((e): ActivityEntry => ({
    eventId: e.eventId,
    position: e.globalPosition,
    at: e.metadata.occurredAt,
    type: e.type,
    summary: summarizeEvent(e),
    agent: ((id) => (id ? (names.get(id)?.name ?? id) : null))(agentIdOf(e)),
    team: e.streamId.startsWith('team-') ? e.streamId.slice('team-'.length) : team,
    ...(e.streamId.startsWith('task-') ? { taskId: e.streamId.slice('task-'.length) } : {}),
    actor: e.metadata.actor,
    source: e.metadata.source,
    reason: e.metadata.reason,
    commandId: e.metadata.commandId,
  }));
  const n = fitPage(entries, q.pageSize, Limits.PAGE_MAX_BYTES);
  const page = entries.slice(0, n);
  const last = page[page.length - 1];
  if (entries.length <= n || !last) return { result: page };
  return { result: page, nextCursor: encodeCursor(query, { of, b: last.position }) };
}

/** A team's feed: its own stream, the streams of every agent that was ever a member, and the alerts about them. A deleted team's feed stays readable. */
export async function readTeamActivity(deps: ActivityDeps & { teams: TeamLocator }, q: { team: string; cursor?: string; pageSize: number }) {
  const state = await deps.teams.load(q.team);
  if (!state.version) throw teamNotFound(q.team);
  const scope = { streamIds: [teamStreamId(state.name), ...state.everMembers.map(agentStreamId)], alertAgentIds: state.everMembers, taskTeam: state.name };
  return readFeed(deps, 'team.activity', state.name, state.name, scope, q);
}

/** An agent's feed: its stream and the alerts about it. */
export async function readAgentActivity(deps: ActivityDeps & { agents: AgentLocator }, q: { agent: string; cursor?: string; pageSize: number }) {
  const { agentId } = await deps.agents.resolveId(q.agent);
  return readFeed(deps, 'agent.activity', agentId, null, { streamIds: [agentStreamId(agentId)], alertAgentIds: [agentId], taskAgentIds: [agentId] }, q);
}
