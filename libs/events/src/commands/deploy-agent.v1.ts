import { z } from 'zod';
import { AgentNameSchema } from './command-envelope';

export const DeployAgentV1 = {
  type: 'agent.deploy',
  version: 1,
  payload: z.object({
    template: z.string().min(1, 'name a template, e.g. "grok4"').max(100),
    name: AgentNameSchema.optional(),
    /** the team the agent joins (its quota is checked); its name */
    team: z.string().min(1).max(100).optional(),
    /** its role in the team */
    role: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'roles are 1-32 characters: lower-case letters, digits, "_" and "-"')
      .optional(),
  }),
  example: { template: 'grok4', name: 'coder-1' },
} as const;
export type DeployAgentPayloadV1 = z.infer<typeof DeployAgentV1.payload>;
