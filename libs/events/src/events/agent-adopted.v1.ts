import { z } from 'zod';

/** A container made outside the control plane was taken under management. */
export const AgentAdoptedV1 = {
  type: 'agent.adopted',
  version: 1,
  data: z.object({
    agentId: z.string(),
    name: z.string(),
    containerId: z.string(),
    containerName: z.string(),
    image: z.string(),
    running: z.boolean(),
  }),
  example: {
    agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10',
    name: 'legacy-bot',
    containerId: '4f2a9c',
    containerName: 'legacy-bot',
    image: 'sacp/sim-agent:latest',
    running: true,
  },
} as const;
export type AgentAdoptedDataV1 = z.infer<typeof AgentAdoptedV1.data>;
