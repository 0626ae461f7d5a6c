import { z } from 'zod';
import { ResourceAmountsSchema, TeamConfigSchema } from './team-config';

/*
 * A team's events, on the stream `team-<name>`. The configuration is recorded whole
 * with its content hash: `configVersion` counts the distinct contents the team had.
 */
const hash = z.string().regex(/^sha256:[0-9a-f]+$/);
const exampleConfig = {
  name: 'coding',
  description: 'A manager, a coder and a reviewer',
  members: [
    { name: 'manager', role: 'manager', template: 'manager' },
    { name: 'coder', role: 'coder', template: 'grok4' },
    { name: 'reviewer', role: 'reviewer', template: 'claude' },
  ],
  quota: { memory: '768m', cpus: 1.5, pids: 384 },
  egress: false,
  logRetention: null,
};

export const TeamCreatedV1 = {
  type: 'team.created',
  version: 1,
  data: z.object({
    team: z.string(),
    config: TeamConfigSchema,
    hash,
    configVersion: z.number().int().positive(),
    /** the file of configs/teams it came from, or null when it was posted */
    file: z.string().nullable(),
  }),
  example: { team: 'coding', config: exampleConfig, hash: 'sha256:9c1e', configVersion: 1, file: 'teams/coding.json' },
} as const;
export type TeamCreatedDataV1 = z.infer<typeof TeamCreatedV1.data>;

export const TeamChangedV1 = {
  type: 'team.changed',
  version: 1,
  data: z.object({
    team: z.string(),
    config: TeamConfigSchema,
    hash,
    configVersion: z.number().int().positive(),
    file: z.string().nullable(),
    /** the top-level fields whose content changed */
    changed: z.array(z.string()),
  }),
  example: { team: 'coding', config: { ...exampleConfig, quota: { memory: '1g', cpus: 1.5, pids: 384 } }, hash: 'sha256:4b7a', configVersion: 2, file: null, changed: ['quota'] },
} as const;
export type TeamChangedDataV1 = z.infer<typeof TeamChangedV1.data>;

export const TeamDeletedV1 = {
  type: 'team.deleted',
  version: 1,
  data: z.object({ team: z.string() }),
  example: { team: 'coding' },
} as const;
export type TeamDeletedDataV1 = z.infer<typeof TeamDeletedV1.data>;

/** An agent became a member: what it counts against the quota is recorded with it (its template's limits). */
export const TeamMemberAddedV1 = {
  type: 'team.member_added',
  version: 1,
  data: z.object({
    team: z.string(),
    agentId: z.string(),
    agent: z.string(),
    /** the member of the configuration it stands for, or null for an agent added by hand */
    member: z.string().nullable(),
    role: z.string().nullable(),
    template: z.object({ name: z.string(), version: z.number().int().positive() }).nullable(),
    resources: ResourceAmountsSchema,
  }),
  example: {
    team: 'coding',
    agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10',
    agent: 'coding-coder',
    member: 'coder',
    role: 'coder',
    template: { name: 'grok4', version: 1 },
    resources: { memory: 268435456, cpus: 0.5, pids: 128 },
  },
} as const;
export type TeamMemberAddedDataV1 = z.infer<typeof TeamMemberAddedV1.data>;

export const TeamMemberRemovedV1 = {
  type: 'team.member_removed',
  version: 1,
  data: z.object({
    team: z.string(),
    agentId: z.string(),
    agent: z.string(),
    /** `removed`: by team.remove_member; `agent_removed`: its agent was removed */
    cause: z.enum(['removed', 'agent_removed']),
  }),
  example: { team: 'coding', agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10', agent: 'coding-coder', cause: 'removed' },
} as const;
export type TeamMemberRemovedDataV1 = z.infer<typeof TeamMemberRemovedV1.data>;

/** On the agent's stream: an existing agent joined or left a team (an agent deployed into a team has it in `agent.deployed`). */
export const AgentTeamChangedV1 = {
  type: 'agent.team_changed',
  version: 1,
  data: z.object({ agentId: z.string(), team: z.string().nullable(), role: z.string().nullable() }),
  example: { agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10', team: 'coding', role: 'coder' },
} as const;
export type AgentTeamChangedDataV1 = z.infer<typeof AgentTeamChangedV1.data>;

export const TeamEventContracts = {
  'team.created': TeamCreatedV1,
  'team.changed': TeamChangedV1,
  'team.deleted': TeamDeletedV1,
  'team.member_added': TeamMemberAddedV1,
  'team.member_removed': TeamMemberRemovedV1,
  'agent.team_changed': AgentTeamChangedV1,
} as const;
