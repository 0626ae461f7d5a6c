import { z } from 'zod';
import { RecoveryCauseSchema } from './recovery-cause';

/** The agent failed more often than its restart policy allows within the window: no more automatic restarts until an operator starts it. */
export const AgentRecoveryAbandonedV1 = {
  type: 'agent.recovery_abandoned',
  version: 1,
  data: z.object({
    agentId: z.string(),
    attempts: z.number().int().min(0),
    windowSeconds: z.number().int().positive(),
    cause: RecoveryCauseSchema,
  }),
  example: {
    agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10',
    attempts: 5,
    windowSeconds: 600,
    cause: { eventId: '0192f0c8-8a00-7000-8000-000000000002', kind: 'crashed', detail: 'exit 1' },
  },
} as const;
export type AgentRecoveryAbandonedDataV1 = z.infer<typeof AgentRecoveryAbandonedV1.data>;
