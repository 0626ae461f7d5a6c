import { z } from 'zod';

/** The agent's container stopped (asked to, or it exited). */
export const AgentContainerStoppedV1 = {
  type: 'agent.container_stopped',
  version: 1,
  data: z.object({
    agentId: z.string(),
    containerId: z.string(),
    exitCode: z.number().int().nullable(),
  }),
  example: { agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10', containerId: '4f2a9c', exitCode: 0 },
} as const;
export type AgentContainerStoppedDataV1 = z.infer<typeof AgentContainerStoppedV1.data>;
