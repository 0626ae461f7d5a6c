import { z } from 'zod';

/** An agent name became free when its agent was removed. */
export const AgentNameReleasedV1 = {
  type: 'agent.name_released',
  version: 1,
  data: z.object({
    name: z.string(),
    agentId: z.string(),
  }),
  example: { name: 'coder-1', agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10' },
} as const;
export type AgentNameReleasedDataV1 = z.infer<typeof AgentNameReleasedV1.data>;
