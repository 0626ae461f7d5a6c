import { Injectable } from '@nestjs/common';
import { DomainError, evolveTeam, initialTeamState, teamStreamId, type EvolvableEvent, type TeamState } from '@sacp/domain';
import { EventStore } from '@sacp/event-store';
import { ErrorCodes, TEAM_NAME_PATTERN } from '@sacp/events';

/** Reads teams from their streams: the state every team decision is based on. */
@Injectable()
export class TeamLocator {
  constructor(private readonly store: EventStore) {}

  /** The team's state, existing or not (a name that cannot be a team's is refused). */
  async load(name: string): Promise<TeamState> {
    if (!TEAM_NAME_PATTERN.test(name)) throw teamNotFound(name);
    const events = await this.store.readStream(teamStreamId(name));
    return events.reduce((s, e) => evolveTeam(s, e as unknown as EvolvableEvent), initialTeamState(name));
  }

  /** An existing team, or TEAM.NOT_FOUND. */
  async resolve(name: string): Promise<TeamState> {
    const state = await this.load(name);
    if (!state.exists) throw teamNotFound(name);
    return state;
  }
}

export const teamNotFound = (name: string) => new DomainError(ErrorCodes.TEAM_NOT_FOUND, `no team named "${name}"; list the teams with: sacp team list`, { team: name });
