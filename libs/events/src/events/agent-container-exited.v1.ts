import { z } from 'zod';

/** The agent's container stopped without being asked to: a crash, an OOM kill, or a stop from outside the control plane. */
export const AgentContainerExitedV1 = {
  type: 'agent.container_exited',
  version: 1,
  data: z.object({
    agentId: z.string(),
    containerId: z.string(),
    exitCode: z.number().int().nullable(),
    oomKilled: z.boolean(),
    finishedAt: z.string().nullable(),
  }),
  example: { agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10', containerId: '4f2a9c', exitCode: 137, oomKilled: true, finishedAt: '2026-11-26T10:00:00.000Z' },
} as const;
export type AgentContainerExitedDataV1 = z.infer<typeof AgentContainerExitedV1.data>;
