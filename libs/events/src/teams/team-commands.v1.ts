import { z } from 'zod';
import { AgentRefSchema } from '../commands/command-envelope';
import { TeamConfigSchema, TeamLogRetentionSchema, TeamMemberSpecSchema, TeamNameSchema, TeamQuotaSchema, TeamRefSchema } from './team-config';

const configFile = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'name a file of configs/teams without ".json", e.g. "coding"');
const role = TeamMemberSpecSchema.shape.role;

/**
 * Creates a team from a configuration: a file of `configs/teams/` (`config`), or one
 * posted whole (`definition`, for API users who cannot edit the server's files). The
 * orchestrator validates it either way and records it whole, with its content hash,
 * in `team.created`: the team's configuration is what the event store says, not what
 * the file says later (`team.change` with `config` reads the file again).
 */
export const CreateTeamV1 = {
  type: 'team.create',
  version: 1,
  payload: z
    .object({
      config: configFile.optional(),
      definition: z.unknown().optional(),
      /** another name than the configuration's (a second team from the same file) */
      name: TeamNameSchema.optional(),
    })
    .refine((p) => (p.config === undefined) !== (p.definition === undefined), { message: 'give either "config" (a file of configs/teams) or "definition", not both' }),
  example: { config: 'coding' },
} as const;
export type CreateTeamPayloadV1 = z.infer<typeof CreateTeamV1.payload>;

/**
 * Changes a team's configuration: a whole new `definition`, the file again
 * (`config`), or single settings (`quota`, `description`, `egress`, `sharedVolume`,
 * `logRetention`: null for the global limits). The result is
 * validated like a new configuration; a quota below what the members use is refused
 * with the numbers. The same content again changes nothing.
 */
export const ChangeTeamV1 = {
  type: 'team.change',
  version: 1,
  payload: z
    .object({
      team: TeamRefSchema,
      config: configFile.optional(),
      definition: z.unknown().optional(),
      quota: TeamQuotaSchema.partial().strict().optional(),
      description: TeamConfigSchema.shape.description.optional(),
      egress: z.boolean().optional(),
      sharedVolume: z.boolean().optional(),
      logRetention: TeamLogRetentionSchema.nullable().optional(),
    })
    .refine((p) => [p.config, p.definition].filter((x) => x !== undefined).length <= 1, { message: 'give "config" or "definition", not both' })
    .refine((p) => [p.config, p.definition, p.quota, p.description, p.egress, p.sharedVolume, p.logRetention].some((x) => x !== undefined), {
      message: 'nothing to change: give a definition, a config file, a quota, a description, egress, sharedVolume or logRetention',
    }),
  example: { team: 'coding', quota: { memory: '1g' } },
} as const;
export type ChangeTeamPayloadV1 = z.infer<typeof ChangeTeamV1.payload>;

/**
 * Deletes a team. Refused while it has members: remove them (or their agents) first, so
 * no agent is left holding a team that is gone. Its shared volume is kept (reported as
 * orphaned) unless `volumes` is true; its networks go once no container uses them.
 */
export const DeleteTeamV1 = {
  type: 'team.delete',
  version: 1,
  payload: z.object({ team: TeamRefSchema, volumes: z.boolean().optional() }),
  example: { team: 'coding' },
} as const;
export type DeleteTeamPayloadV1 = z.infer<typeof DeleteTeamV1.payload>;

/** An existing agent (in no team) joins the team with a role; refused past the team's quota. */
export const AddTeamMemberV1 = {
  type: 'team.add_member',
  version: 1,
  payload: z.object({ team: TeamRefSchema, agent: AgentRefSchema, role: role.optional() }),
  example: { team: 'coding', agent: 'coder-2', role: 'coder' },
} as const;
export type AddTeamMemberPayloadV1 = z.infer<typeof AddTeamMemberV1.payload>;

/** The agent leaves the team (it keeps running, in no team). */
export const RemoveTeamMemberV1 = {
  type: 'team.remove_member',
  version: 1,
  payload: z.object({ team: TeamRefSchema, agent: AgentRefSchema }),
  example: { team: 'coding', agent: 'coder-2' },
} as const;
export type RemoveTeamMemberPayloadV1 = z.infer<typeof RemoveTeamMemberV1.payload>;

/** Deploys every member of the team's configuration that has no agent in the team yet (agent `<team>-<member>`), in one command; refused whole past the quota. A stopped member is started. */
export const DeployTeamV1 = {
  type: 'team.deploy',
  version: 1,
  payload: z.object({ team: TeamRefSchema }),
  example: { team: 'coding' },
} as const;
export type DeployTeamPayloadV1 = z.infer<typeof DeployTeamV1.payload>;

/** Stops every member of the team. */
export const StopTeamV1 = {
  type: 'team.stop',
  version: 1,
  payload: z.object({ team: TeamRefSchema }),
  example: { team: 'coding' },
} as const;
export type StopTeamPayloadV1 = z.infer<typeof StopTeamV1.payload>;

export const TeamCommandContracts = {
  'team.create': CreateTeamV1,
  'team.change': ChangeTeamV1,
  'team.delete': DeleteTeamV1,
  'team.add_member': AddTeamMemberV1,
  'team.remove_member': RemoveTeamMemberV1,
  'team.deploy': DeployTeamV1,
  'team.stop': StopTeamV1,
} as const;
