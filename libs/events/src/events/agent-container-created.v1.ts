import { z } from 'zod';

/** The orchestrator created the agent's container. */
export const AgentContainerCreatedV1 = {
  type: 'agent.container_created',
  version: 1,
  data: z.object({
    agentId: z.string(),
    containerId: z.string(),
    containerName: z.string(),
    generation: z.number().int().positive(),
  }),
  example: { agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10', containerId: '4f2a9c', containerName: 'sacp-coder-1-0192f0c8-g1', generation: 1 },
} as const;
export type AgentContainerCreatedDataV1 = z.infer<typeof AgentContainerCreatedV1.data>;
