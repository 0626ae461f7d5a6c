import { z } from 'zod';

/** The agent's container is running. */
export const AgentContainerStartedV1 = {
  type: 'agent.container_started',
  version: 1,
  data: z.object({
    agentId: z.string(),
    containerId: z.string(),
  }),
  example: { agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10', containerId: '4f2a9c' },
} as const;
export type AgentContainerStartedDataV1 = z.infer<typeof AgentContainerStartedV1.data>;
