import { z } from 'zod';

/** An operator asked for the agent and its container to be removed; with `volumes: true`, its volumes too (absent: kept). */
export const AgentRemoveRequestedV1 = {
  type: 'agent.remove_requested',
  version: 1,
  data: z.object({
    agentId: z.string(),
    /** added to version 1 as optional: events written before it keep their volumes */
    volumes: z.boolean().optional(),
  }),
  example: { agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10' },
} as const;
export type AgentRemoveRequestedDataV1 = z.infer<typeof AgentRemoveRequestedV1.data>;
