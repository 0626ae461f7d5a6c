import { z } from 'zod';

/** The agent is gone: no container is left and its name is free again. */
export const AgentRemovedV1 = {
  type: 'agent.removed',
  version: 1,
  data: z.object({
    agentId: z.string(),
    name: z.string(),
  }),
  example: { agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10', name: 'coder-1' },
} as const;
export type AgentRemovedDataV1 = z.infer<typeof AgentRemovedV1.data>;
