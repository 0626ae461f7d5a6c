import { z } from 'zod';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/**
 * Records that a front door (the Discord bot, the API) refused a command because the
 * actor's role does not allow it. Nothing else changes; the refusal enters the
 * audit trail and the event log with the actor, the source and what was asked.
 */
export const RefuseAccessV1 = {
  type: 'access.refuse',
  version: 1,
  payload: z.object({
    /** the command that was refused, e.g. "agent.stop" */
    command: z.string().min(1).max(100),
    /** its arguments as the user gave them, e.g. { agent: "coder-1" } */
    arguments: z.record(z.string(), z.unknown()).default({}),
    required: RoleSchema,
    /** the actor's role, or null when they have none */
    held: RoleSchema.nullable(),
    message: z.string().min(1).max(500),
  }),
  example: {
    command: 'agent.stop',
    arguments: { agent: 'coder-1' },
    required: 'operator',
    held: 'viewer',
    message: 'stopping an agent needs the operator role; bob has viewer',
  },
} as const;
export type RefuseAccessPayloadV1 = z.infer<typeof RefuseAccessV1.payload>;
