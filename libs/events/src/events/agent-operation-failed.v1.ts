import { z } from 'zod';

/** A Docker operation for the agent failed; the orchestrator will retry while the desired state stands. */
export const AgentOperationFailedV1 = {
  type: 'agent.operation_failed',
  version: 1,
  data: z.object({
    agentId: z.string(),
    operation: z.enum(['create', 'start', 'stop', 'restart', 'remove']),
    code: z.string(),
    message: z.string(),
  }),
  example: { agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10', operation: 'create', code: 'DOCKER.IMAGE_NOT_FOUND', message: 'image sacp/grok4:latest is not on this machine' },
} as const;
export type AgentOperationFailedDataV1 = z.infer<typeof AgentOperationFailedV1.data>;
