import { z } from 'zod';

/** Something needs an operator. One open alert per key: repeats of the same cause are not raised again. */
export const AlertRaisedV1 = {
  type: 'alert.raised',
  version: 1,
  data: z.object({
    key: z.string(),
    severity: z.enum(['info', 'warning', 'critical']),
    agentId: z.string().nullable(),
    agentName: z.string().nullable(),
    cause: z.string(),
    message: z.string(),
    lastLogLines: z.array(z.string()),
  }),
  example: {
    key: 'agent:0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10:recovery',
    severity: 'critical',
    agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10',
    agentName: 'coder-1',
    cause: 'recovery_abandoned',
    message: 'coder-1 crashed 5 times in 600 s; automatic restarts stopped',
    lastLogLines: ['{"level":"error","msg":"model quota exceeded"}'],
  },
} as const;
export type AlertRaisedDataV1 = z.infer<typeof AlertRaisedV1.data>;
