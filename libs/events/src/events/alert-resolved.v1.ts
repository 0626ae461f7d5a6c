import { z } from 'zod';

/** The condition behind an open alert is over. */
export const AlertResolvedV1 = {
  type: 'alert.resolved',
  version: 1,
  data: z.object({
    key: z.string(),
    agentId: z.string().nullable(),
    message: z.string(),
  }),
  example: { key: 'agent:0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10:recovery', agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10', message: 'coder-1 is running again' },
} as const;
export type AlertResolvedDataV1 = z.infer<typeof AlertResolvedV1.data>;
