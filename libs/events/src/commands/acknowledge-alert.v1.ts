import { z } from 'zod';

/** Acknowledges the open alert with this key (or this alert id): an operator has seen it. A second acknowledgement changes nothing. */
export const AcknowledgeAlertV1 = {
  type: 'alert.acknowledge',
  version: 1,
  payload: z
    .object({
      key: z.string().min(1).max(300).optional(),
      /** the alert's id (the id of its `alert.raised` event), as `alert.list` shows it */
      alertId: z.string().min(1).max(100).optional(),
      note: z.string().min(1).max(1000).optional(),
    })
    .refine((p) => (p.key === undefined) !== (p.alertId === undefined), { message: "give the alert's key or its alertId (one of them)", path: ['key'] }),
  example: { key: 'host:memory', note: 'adding memory to the host tonight' },
} as const;
export type AcknowledgeAlertPayloadV1 = z.infer<typeof AcknowledgeAlertV1.payload>;
