import { z } from 'zod';

/** The agent's container was restarted in answer to restart request restartSeq. */
export const AgentContainerRestartedV1 = {
  type: 'agent.container_restarted',
  version: 1,
  data: z.object({
    agentId: z.string(),
    containerId: z.string(),
    restartSeq: z.number().int().positive(),
  }),
  example: { agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10', containerId: '4f2a9c', restartSeq: 1 },
} as const;
export type AgentContainerRestartedDataV1 = z.infer<typeof AgentContainerRestartedV1.data>;
