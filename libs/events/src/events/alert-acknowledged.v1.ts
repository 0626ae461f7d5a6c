import { z } from 'zod';

/** An operator has seen an open alert (who and when are the event's actor and time); it stays open until its condition is over. */
export const AlertAcknowledgedV1 = {
  type: 'alert.acknowledged',
  version: 1,
  data: z.object({
    key: z.string(),
    /** the id of the `alert.raised` event of the alert acknowledged */
    alertId: z.string(),
    agentId: z.string().nullable(),
    note: z.string().nullable(),
  }),
  example: {
    key: 'agent:0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10:recovery',
    alertId: '0192f0d1-2b3c-7d4e-8f5a-6b7c8d9e0f1a',
    agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10',
    note: 'looking into the model quota',
  },
} as const;
export type AlertAcknowledgedDataV1 = z.infer<typeof AlertAcknowledgedV1.data>;
