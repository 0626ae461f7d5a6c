import { z } from 'zod';
import { RecoveryCauseSchema } from '../events/recovery-cause';
import { AgentRefSchema } from './command-envelope';

/** The recovery policy gives up on an agent after too many failures in its window. */
export const AbandonRecoveryV1 = {
  type: 'agent.abandon_recovery',
  version: 1,
  payload: z.object({
    agent: AgentRefSchema,
    attempts: z.number().int().min(0),
    windowSeconds: z.number().int().positive(),
    cause: RecoveryCauseSchema,
  }),
  example: { agent: 'coder-1', attempts: 5, windowSeconds: 600, cause: { eventId: '0192f0c8-8a00-7000-8000-000000000002', kind: 'crashed', detail: 'exit 1' } },
} as const;
export type AbandonRecoveryPayloadV1 = z.infer<typeof AbandonRecoveryV1.payload>;
