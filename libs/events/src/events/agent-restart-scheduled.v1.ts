import { z } from 'zod';
import { RecoveryCauseSchema } from './recovery-cause';

/** The recovery policy scheduled a restart: it runs at `dueAt`, even if the monitor that asked is gone by then. */
export const AgentRestartScheduledV1 = {
  type: 'agent.restart_scheduled',
  version: 1,
  data: z.object({
    agentId: z.string(),
    restartSeq: z.number().int().positive(),
    attempt: z.number().int().positive(),
    delayMs: z.number().int().min(0),
    dueAt: z.iso.datetime({ offset: true }),
    cause: RecoveryCauseSchema,
  }),
  example: {
    agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10',
    restartSeq: 3,
    attempt: 3,
    delayMs: 8000,
    dueAt: '2026-11-26T10:00:08.000Z',
    cause: { eventId: '0192f0c8-8a00-7000-8000-000000000001', kind: 'oom_killed', detail: 'exit 137, killed by the kernel for exceeding its memory limit' },
  },
} as const;
export type AgentRestartScheduledDataV1 = z.infer<typeof AgentRestartScheduledV1.data>;
