import { z } from 'zod';
import { AgentRefSchema, TeamLogRetentionSchema, TeamMemberSpecSchema, TeamQuotaSchema, TeamRefSchema } from '@sacp/events';

const reason = z.string().max(500, 'a reason is at most 500 characters').optional();
const configFile = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'name a file of configs/teams without ".json", e.g. "coding"');
/** A whole configuration, checked field by field by the orchestrator (the same schema as the files). */
const definition = z.record(z.string(), z.unknown());

export const TeamRef = TeamRefSchema;
export const AgentRef = AgentRefSchema;
export const ReasonBody = z.object({ reason }).strict();

/** DELETE /teams/{team}: `volumes` (in the query, "true", or the body, true) also removes the team's shared volume (kept otherwise) */
export const DeleteTeamQuery = z.object({ volumes: z.enum(['true', 'false'], { message: 'volumes is "true" or "false"' }).default('false') }).strict();
export const DeleteTeamBody = z.object({ reason, volumes: z.boolean().optional() }).strict();

export const CreateTeamBody = z
  .object({
    /** a file of configs/teams on the server */
    config: configFile.optional(),
    /** or a configuration posted whole */
    definition: definition.optional(),
    /** another name than the configuration's */
    name: z.string().min(1).max(100).optional(),
    reason,
  })
  .strict()
  .refine((b) => (b.config === undefined) !== (b.definition === undefined), {
    message: 'give either "config" (a file of configs/teams) or "definition", not both',
    path: ['config'],
  });

export const ChangeTeamBody = z
  .object({
    config: configFile.optional(),
    definition: definition.optional(),
    quota: TeamQuotaSchema.partial().strict().optional(),
    description: z.string().max(500).optional(),
    egress: z.boolean().optional(),
    sharedVolume: z.boolean().optional(),
    /** {days, maxMb} (either may be left out), or null for the global limits */
    logRetention: TeamLogRetentionSchema.nullable().optional(),
    reason,
  })
  .strict()
  .refine((b) => [b.config, b.definition, b.quota, b.description, b.egress, b.sharedVolume, b.logRetention].some((x) => x !== undefined), {
    message: 'nothing to change: give a definition, a config file, a quota, a description, egress, sharedVolume or logRetention',
    path: ['quota'],
  });

export const AddMemberBody = z.object({ agent: AgentRefSchema, role: TeamMemberSpecSchema.shape.role.optional(), reason }).strict();

export const ActivityQuery = z.object({ cursor: z.string().min(1).max(2000).optional(), limit: z.coerce.number().int().min(1).max(500).optional() }).strict();
