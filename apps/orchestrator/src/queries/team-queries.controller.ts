import { MessagePattern, Payload } from '@nestjs/microservices';
import { ActivityRepository } from '@sacp/event-store';
import { DomainError } from '@sacp/domain';
import { DEFAULT_ACTIVITY_PAGE_SIZE, ErrorCodes, Limits, Subjects, decodeCursor, encodeCursor, fitPage, type QueryReply } from '@sacp/events';
import { QueryHandlers } from '../bus/handlers.decorator';
import { QueryPipe, type QueryOf } from '../bus/query.pipe';
import { AgentLocator } from '../commands/agent-locator';
import { TeamLocator } from '../teams/team-locator';
import { readAgentActivity, readTeamActivity } from './activity-page';
import { AgentRegistryReader } from './agent-registry.reader';
import { TEAM_LIST_MAX, TeamReader } from './team.reader';

const ok = <R>(result: R): QueryReply<R> => ({ ok: true, result });
const page = <R>(p: { result: R; nextCursor?: string }): QueryReply<R> => ({ ok: true, result: p.result, ...(p.nextCursor ? { nextCursor: p.nextCursor } : {}) });

/** Teams and activity feeds, answered by any replica from the read models and the events table. */
@QueryHandlers()
export class TeamQueriesController {
  constructor(
    private readonly teams: TeamReader,
    private readonly teamStreams: TeamLocator,
    private readonly agents: AgentLocator,
    private readonly registry: AgentRegistryReader,
    private readonly activity: ActivityRepository,
  ) {}

  @MessagePattern(Subjects.query('team.list'))
  async list(@Payload(new QueryPipe('team.list')) q: QueryOf<'team.list'>): Promise<QueryReply> {
    let after: string | null = null;
    if (q.cursor) {
      const c = decodeCursor<{ n: string }>('team.list', q.cursor);
      if (!c || typeof c.n !== 'string') throw new DomainError(ErrorCodes.QUERY_CURSOR_INVALID, 'this cursor is not one team.list handed out; start again without a cursor');
      after = c.n;
    }
    const size = q.pageSize ?? TEAM_LIST_MAX;
    const teams = await this.teams.list(after, size + 1);
    const n = fitPage(teams, size, Limits.PAGE_MAX_BYTES);
    const result = teams.slice(0, n);
    return page({ result, ...(teams.length > n ? { nextCursor: encodeCursor('team.list', { n: result[n - 1]!.name }) } : {}) });
  }

  @MessagePattern(Subjects.query('team.get'))
  async get(@Payload(new QueryPipe('team.get')) q: QueryOf<'team.get'>): Promise<QueryReply> {
    return ok(await this.teams.get(q.team));
  }

  @MessagePattern(Subjects.query('team.activity'))
  async teamActivity(@Payload(new QueryPipe('team.activity')) q: QueryOf<'team.activity'>): Promise<QueryReply> {
    const deps = { activity: this.activity, registry: this.registry, teams: this.teamStreams };
    return page(await readTeamActivity(deps, { team: q.team, cursor: q.cursor, pageSize: q.pageSize ?? DEFAULT_ACTIVITY_PAGE_SIZE }));
  }

  @MessagePattern(Subjects.query('agent.activity'))
  async agentActivity(@Payload(new QueryPipe('agent.activity')) q: QueryOf<'agent.activity'>): Promise<QueryReply> {
    const deps = { activity: this.activity, registry: this.registry, agents: this.agents };
    return page(await readAgentActivity(deps, { agent: q.agent, cursor: q.cursor, pageSize: q.pageSize ?? DEFAULT_ACTIVITY_PAGE_SIZE }));
  }
}
