import { z } from 'zod';

/*
 * A team configuration: what `configs/teams/<name>.json` holds and what `team.create`
 * may carry instead of a file's name. It is part of the wire contract (events record
 * it whole), so it lives here; libs/domain adds the checks that need more than one
 * field (unique member names, the quota as numbers) and the content hash.
 */

export const TEAM_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,30}$/;
export const TeamNameSchema = z.string().regex(TEAM_NAME_PATTERN, 'team names are 1-31 characters: lower-case letters, digits and "-", starting with a letter or digit');
/** A team by its name (a team's name is its id: its stream is `team-<name>`). */
export const TeamRefSchema = z.string().min(1, 'name the team').max(100);

/** "512m", "1g", "256k" or a number of bytes, as in templates */
export const TeamMemorySchema = z.union([
  z
    .number()
    .int()
    .positive()
    .max(2 ** 50),
  z.string().regex(/^\d+(\.\d+)?\s*[kmg]i?b?$/i, 'expected a size like "768m" or "2g"'),
]);

export const TeamQuotaSchema = z
  .object({
    memory: TeamMemorySchema,
    cpus: z.number().min(0.01).max(1024),
    pids: z.number().int().min(8).max(1_000_000),
  })
  .strict();
export type TeamQuota = z.infer<typeof TeamQuotaSchema>;

export const TeamMemberSpecSchema = z
  .object({
    /** the member's name in the team; its agent is named `<team>-<name>` */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'member names are 1-31 characters: lower-case letters, digits and "-"'),
    role: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'roles are 1-32 characters: lower-case letters, digits, "_" and "-", starting with a letter'),
    template: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'template names use a-z, 0-9, "_" and "-"'),
  })
  .strict();
export type TeamMemberSpec = z.infer<typeof TeamMemberSpecSchema>;

/**
 * Log retention per team: how many days and how many megabytes of its agents' collected
 * lines the monitor keeps (either may be left out: that limit is the global one,
 * SACP_LOG_RETENTION_DAYS or SACP_LOG_RETENTION_MB). null: the global limits.
 */
export const TeamLogRetentionSchema = z
  .object({
    days: z.number().positive().max(36_500).optional(),
    maxMb: z.number().positive().max(100_000_000).optional(),
  })
  .strict();
export type TeamLogRetention = z.infer<typeof TeamLogRetentionSchema>;

export const TEAM_MEMBERS_MAX = 50;

export const TeamConfigSchema = z
  .object({
    name: TeamNameSchema,
    description: z.string().max(500).default(''),
    members: z.array(TeamMemberSpecSchema).max(TEAM_MEMBERS_MAX, `a team has at most ${TEAM_MEMBERS_MAX} members`).default([]),
    quota: TeamQuotaSchema,
    /** whether the team's network routes out (network isolation; false: internal) */
    egress: z.boolean().default(false),
    logRetention: TeamLogRetentionSchema.nullable().default(null),
    /** a volume shared by the members, mounted at /team in each (kept until the team is deleted with its volumes) */
    sharedVolume: z.boolean().default(false),
  })
  .strict();
/** A configuration as written (defaults not yet applied). */
export type TeamConfigInput = z.input<typeof TeamConfigSchema>;
/** A configuration with its defaults applied: what events record and what is hashed. */
export type TeamConfig = z.infer<typeof TeamConfigSchema>;

/** Resource limits as numbers: bytes, CPUs, pids. */
export interface ResourceAmounts {
  memory: number;
  cpus: number;
  pids: number;
}
export const ResourceAmountsSchema = z.object({ memory: z.number().nonnegative(), cpus: z.number().nonnegative(), pids: z.number().int().nonnegative() });
