import { z } from 'zod';
import { TemplateRefSchema } from './template-ref';

/** The agent was created from a template; its desired state is running. */
export const AgentDeployedV1 = {
  type: 'agent.deployed',
  version: 1,
  data: z.object({
    agentId: z.string(),
    name: z.string(),
    template: TemplateRefSchema,
    generation: z.number().int().positive(),
    /** the team it was deployed into (added later, optional: older events have none) */
    team: z.string().nullable().optional(),
    role: z.string().nullable().optional(),
  }),
  example: { agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10', name: 'coder-1', template: { name: 'grok4', version: 1, hash: 'sha256:3f1c' }, generation: 1 },
} as const;
export type AgentDeployedDataV1 = z.infer<typeof AgentDeployedV1.data>;
