import { z } from 'zod';

/** An operator asked for the agent's container to be restarted; restartSeq counts requests. */
export const AgentRestartRequestedV1 = {
  type: 'agent.restart_requested',
  version: 1,
  data: z.object({
    agentId: z.string(),
    restartSeq: z.number().int().positive(),
  }),
  example: { agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10', restartSeq: 1 },
} as const;
export type AgentRestartRequestedDataV1 = z.infer<typeof AgentRestartRequestedV1.data>;
