import { z } from 'zod';

/** A container of the agent was removed (stale, duplicate, or on removal of the agent). */
export const AgentContainerRemovedV1 = {
  type: 'agent.container_removed',
  version: 1,
  data: z.object({
    agentId: z.string(),
    containerId: z.string(),
  }),
  example: { agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10', containerId: '4f2a9c' },
} as const;
export type AgentContainerRemovedDataV1 = z.infer<typeof AgentContainerRemovedV1.data>;
