import type { ResourceAmounts, TeamConfig } from '@sacp/events';
import type { EvolvableEvent } from '../agent/agent.evolve';
import { addAmounts, NO_RESOURCES, quotaAmounts } from './team-config.parse';

export const teamStreamId = (name: string) => `team-${name}`;

/** A member as the team's stream records it. */
export interface TeamMember {
  agentId: string;
  agent: string;
  member: string | null;
  role: string | null;
  template: { name: string; version: number } | null;
  resources: ResourceAmounts;
}

/**
 * A team, folded from its stream `team-<name>`. The name is the team's id: a deleted
 * team's name can be taken again, and its stream goes on (its history stays in one place).
 */
export interface TeamState {
  exists: boolean;
  name: string;
  config: TeamConfig | null;
  hash: string;
  configVersion: number;
  file: string | null;
  /** current members, by agent id */
  members: Record<string, TeamMember>;
  /** every agent that was ever a member (for the activity feed), oldest first */
  everMembers: string[];
  createdAt: string | null;
  updatedAt: string | null;
  version: number;
}

export const initialTeamState = (name = ''): TeamState => ({
  exists: false,
  name,
  config: null,
  hash: '',
  configVersion: 0,
  file: null,
  members: {},
  everMembers: [],
  createdAt: null,
  updatedAt: null,
  version: 0,
});

/** What the members count against the quota. */
export const teamUsage = (s: Pick<TeamState, 'members'>): ResourceAmounts => Object.values(s.members).reduce((sum, m) => addAmounts(sum, m.resources), NO_RESOURCES);
export const teamQuota = (s: Pick<TeamState, 'config'>): ResourceAmounts => (s.config ? quotaAmounts(s.config.quota) : NO_RESOURCES);

/** Folds one event of a team's stream. Other types pass through. */
export function evolveTeam(state: TeamState, event: EvolvableEvent): TeamState {
  const at = event.metadata.occurredAt;
  const s: TeamState = { ...state, version: state.version + 1, updatedAt: at };
  switch (event.type) {
    case 'team.created':
      return {
        ...s,
        exists: true,
        name: event.data.team,
        config: event.data.config,
        hash: event.data.hash,
        configVersion: event.data.configVersion,
        file: event.data.file,
        members: {},
        createdAt: at,
      };
    case 'team.changed':
      return { ...s, config: event.data.config, hash: event.data.hash, configVersion: event.data.configVersion, file: event.data.file };
    case 'team.deleted':
      return { ...s, exists: false, members: {} };
    case 'team.member_added': {
      const d = event.data;
      const member: TeamMember = { agentId: d.agentId, agent: d.agent, member: d.member, role: d.role, template: d.template, resources: d.resources };
      return {
        ...s,
        members: { ...s.members, [d.agentId]: member },
        everMembers: s.everMembers.includes(d.agentId) ? s.everMembers : [...s.everMembers, d.agentId],
      };
    }
    case 'team.member_removed': {
      const { [event.data.agentId]: _gone, ...members } = s.members;
      return { ...s, members };
    }
    default:
      return s;
  }
}
