import { z } from 'zod';
import { RecoveryCauseSchema } from '../events/recovery-cause';
import { AgentRefSchema } from './command-envelope';

/** The recovery policy asks for a restart after a delay. Sent by the monitor, actor system, causation = the failure event. */
export const ScheduleRestartV1 = {
  type: 'agent.schedule_restart',
  version: 1,
  payload: z.object({
    agent: AgentRefSchema,
    attempt: z.number().int().positive(),
    delayMs: z.number().int().min(0).max(86_400_000),
    cause: RecoveryCauseSchema,
  }),
  example: { agent: 'coder-1', attempt: 2, delayMs: 2000, cause: { eventId: '0192f0c8-8a00-7000-8000-000000000001', kind: 'crashed', detail: 'exit 1' } },
} as const;
export type ScheduleRestartPayloadV1 = z.infer<typeof ScheduleRestartV1.payload>;
