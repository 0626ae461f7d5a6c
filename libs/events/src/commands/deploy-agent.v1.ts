import { z } from 'zod';
import { AgentNameSchema } from './command-envelope';

export const DeployAgentV1 = {
  type: 'agent.deploy',
  version: 1,
  payload: z.object({
    template: z.string().min(1, 'name a template, e.g. "grok4"').max(100),
    name: AgentNameSchema.optional(),
  }),
  example: { template: 'grok4', name: 'coder-1' },
} as const;
export type DeployAgentPayloadV1 = z.infer<typeof DeployAgentV1.payload>;
