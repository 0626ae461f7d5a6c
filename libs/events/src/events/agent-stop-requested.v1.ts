import { z } from 'zod';

/** An operator asked for the agent to stop; its container is kept. */
export const AgentStopRequestedV1 = {
  type: 'agent.stop_requested',
  version: 1,
  data: z.object({
    agentId: z.string(),
  }),
  example: { agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10' },
} as const;
export type AgentStopRequestedDataV1 = z.infer<typeof AgentStopRequestedV1.data>;
