import { z } from 'zod';

/** An agent name was taken; recorded in the name's own stream so two agents never share it. */
export const AgentNameClaimedV1 = {
  type: 'agent.name_claimed',
  version: 1,
  data: z.object({
    name: z.string(),
    agentId: z.string(),
  }),
  example: { name: 'coder-1', agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10' },
} as const;
export type AgentNameClaimedDataV1 = z.infer<typeof AgentNameClaimedV1.data>;
