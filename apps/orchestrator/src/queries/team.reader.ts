import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, type Repository } from 'typeorm';
import { teamQuota, teamUsage, type TeamState } from '@sacp/domain';
import { TeamRegistryEntity } from '@sacp/event-store';
import type { AgentStatusView, TeamView } from '@sacp/events';
import { teamNotFound } from '../teams/team-locator';
import { AgentRegistryReader } from './agent-registry.reader';

/** At most this many teams in one `team.list` page (each with its members); a page also stops at Limits.PAGE_MAX_BYTES. */
export const TEAM_LIST_MAX = 200;

/** Reads the team registry projection, with the members' state from the agent registry. */
@Injectable()
export class TeamReader {
  constructor(
    @InjectRepository(TeamRegistryEntity) private readonly rows: Repository<TeamRegistryEntity>,
    private readonly agents: AgentRegistryReader,
  ) {}

  /** The live teams after `after` (by name), at most `limit`. */
  async list(after: string | null, limit: number): Promise<TeamView[]> {
    const rows = await this.rows.find({ where: { live: true, ...(after ? { name: MoreThan(after) } : {}) }, order: { name: 'ASC' }, take: Math.min(limit, TEAM_LIST_MAX) });
    const states = rows.map((r) => r.state as unknown as TeamState);
    const views = await this.agents.byIds(states.flatMap((s) => Object.keys(s.members)));
    return states.map((s) => teamView(s, views));
  }

  /** A live team, or TEAM.NOT_FOUND. */
  async get(name: string): Promise<TeamView> {
    const state = await this.state(name);
    return teamView(state, await this.agents.byIds(Object.keys(state.members)));
  }

  /** A live team's folded state from the read model, or TEAM.NOT_FOUND. */
  async state(name: string): Promise<TeamState> {
    const row = await this.rows.findOneBy({ name, live: true });
    if (!row) throw teamNotFound(name);
    return row.state as unknown as TeamState;
  }
}

export function teamView(s: TeamState, agents: Map<string, AgentStatusView>): TeamView {
  return {
    name: s.name,
    description: s.config?.description ?? '',
    config: s.config!,
    hash: s.hash,
    configVersion: s.configVersion,
    file: s.file,
    quota: teamQuota(s),
    usage: teamUsage(s),
    members: Object.values(s.members).map((m) => {
      const a = agents.get(m.agentId);
      return { ...m, state: a ? { desired: a.state.desired, observed: a.state.observed, health: a.health } : null };
    }),
    createdAt: s.createdAt ?? '',
    updatedAt: s.updatedAt ?? '',
  };
}
