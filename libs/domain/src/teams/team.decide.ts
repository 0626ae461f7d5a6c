import { ErrorCodes, newEvent, type NewKnownEvent, type ResourceAmounts, type TeamConfig } from '@sacp/events';
import { DomainError } from '../domain-error';
import type { StreamAppend } from '../agent/agent.decide';
import { agentStreamId } from '../agent/agent.state';
import { addAmounts, NO_RESOURCES, quotaAmounts } from './team-config.parse';
import { assertWithinQuota } from './team.quota';
import { teamQuota, teamStreamId, teamUsage, type TeamMember, type TeamState } from './team.state';

/** An agent joining: a new one (deployed by the same command) or an existing one (`agentVersion` set: its stream records the change). */
export interface Joiner extends TeamMember {
  /** an existing agent: its stream's version and the team it is in now */
  existing?: { agentVersion: number; team: string | null };
}

export type TeamCommand =
  | { type: 'create'; name: string; config: TeamConfig; hash: string; file: string | null }
  | { type: 'change'; config: TeamConfig; hash: string; file: string | null }
  | { type: 'delete' }
  | { type: 'join'; joiners: Joiner[]; what: string }
  | { type: 'leave'; agentId: string; agentVersion: number | null; cause: 'removed' | 'agent_removed' };

export interface TeamDecision {
  appends: StreamAppend[];
  changed: boolean;
  usage: ResourceAmounts;
  quota: ResourceAmounts;
}

function requireTeam(state: TeamState): void {
  if (!state.exists)
    throw new DomainError(ErrorCodes.TEAM_NOT_FOUND, `no team named "${state.name}"; list the teams with: sacp team list`, {
      team: state.name,
    });
}

const changedFields = (a: TeamConfig, b: TeamConfig): string[] => (Object.keys(b) as (keyof TeamConfig)[]).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));

/** Decides a command on one team's stream (and, for an existing agent joining or leaving, its agent stream). Pure. */
export function decideTeam(command: TeamCommand, state: TeamState): TeamDecision {
  const onTeam = (events: NewKnownEvent[], extra: StreamAppend[] = []): StreamAppend[] =>
    events.length ? [{ streamId: teamStreamId(state.name), expectedVersion: state.version, events }, ...extra] : extra;
  const decided = (appends: StreamAppend[], usage = teamUsage(state), quota = teamQuota(state)): TeamDecision => ({ appends, changed: appends.length > 0, usage, quota });
  switch (command.type) {
    case 'create': {
      if (state.exists)
        throw new DomainError(
          ErrorCodes.TEAM_EXISTS,
          `a team named "${command.name}" exists already; choose another name (--name) or change it with: sacp team change ${command.name}`,
          {
            team: command.name,
          },
        );
      const configVersion = state.configVersion + 1;
      return decided(
        onTeam([newEvent('team.created', { team: command.name, config: { ...command.config, name: command.name }, hash: command.hash, configVersion, file: command.file })]),
        NO_RESOURCES,
        quotaAmounts(command.config.quota),
      );
    }
    case 'change': {
      requireTeam(state);
      if (command.hash === state.hash) return decided([]);
      const quota = quotaAmounts(command.config.quota);
      // a quota below what the members hold now is refused with the numbers: nothing asked, the members are the used part
      assertWithinQuota(state.name, `the new quota of team "${state.name}"`, teamUsage(state), NO_RESOURCES, quota);
      const changed = changedFields(state.config!, command.config);
      return decided(
        onTeam([newEvent('team.changed', { team: state.name, config: command.config, hash: command.hash, configVersion: state.configVersion + 1, file: command.file, changed })]),
        teamUsage(state),
        quota,
      );
    }
    case 'delete': {
      requireTeam(state);
      const members = Object.values(state.members);
      if (members.length)
        throw new DomainError(
          ErrorCodes.TEAM_NOT_EMPTY,
          `team "${state.name}" still has ${members.length} member${members.length === 1 ? '' : 's'} (${members.map((m) => m.agent).join(', ')}); remove them first (sacp team remove ${state.name} AGENT, or sacp rm AGENT)`,
          { team: state.name, members: members.map((m) => m.agent) },
        );
      return decided(onTeam([newEvent('team.deleted', { team: state.name })]), NO_RESOURCES, NO_RESOURCES);
    }
    case 'join': {
      requireTeam(state);
      const fresh = command.joiners.filter((j) => !state.members[j.agentId]);
      for (const j of fresh)
        if (j.existing?.team && j.existing.team !== state.name)
          throw new DomainError(
            ErrorCodes.TEAM_MEMBERSHIP,
            `agent "${j.agent}" is a member of team "${j.existing.team}"; remove it from there first (sacp team remove ${j.existing.team} ${j.agent})`,
            {
              agent: j.agent,
              team: j.existing.team,
            },
          );
      const asked = fresh.reduce((sum, j) => addAmounts(sum, j.resources), NO_RESOURCES);
      assertWithinQuota(state.name, command.what, teamUsage(state), asked, teamQuota(state));
      const events = fresh.map((j) =>
        newEvent('team.member_added', { team: state.name, agentId: j.agentId, agent: j.agent, member: j.member, role: j.role, template: j.template, resources: j.resources }),
      );
      const agentAppends: StreamAppend[] = fresh
        .filter((j) => j.existing)
        .map((j) => ({
          streamId: agentStreamId(j.agentId),
          expectedVersion: j.existing!.agentVersion,
          events: [newEvent('agent.team_changed', { agentId: j.agentId, team: state.name, role: j.role })],
        }));
      return decided(onTeam(events, agentAppends), addAmounts(teamUsage(state), asked));
    }
    case 'leave': {
      requireTeam(state);
      const member = state.members[command.agentId];
      if (!member)
        throw new DomainError(ErrorCodes.TEAM_MEMBERSHIP, `agent ${command.agentId} is not a member of team "${state.name}"`, { agentId: command.agentId, team: state.name });
      const agentAppend: StreamAppend[] =
        command.agentVersion === null
          ? []
          : [
              {
                streamId: agentStreamId(command.agentId),
                expectedVersion: command.agentVersion,
                events: [newEvent('agent.team_changed', { agentId: command.agentId, team: null, role: null })],
              },
            ];
      const { [command.agentId]: _gone, ...rest } = state.members;
      return decided(
        onTeam([newEvent('team.member_removed', { team: state.name, agentId: member.agentId, agent: member.agent, cause: command.cause })], agentAppend),
        teamUsage({ members: rest }),
      );
    }
  }
}
