import { z } from 'zod';

/** Raises an alert; while one with the same key is open, a repeat changes nothing. */
export const RaiseAlertV1 = {
  type: 'alert.raise',
  version: 1,
  payload: z.object({
    key: z.string().min(1).max(300),
    severity: z.enum(['info', 'warning', 'critical']),
    agent: z.string().min(1).max(100).nullable(),
    cause: z.string().min(1).max(100),
    message: z.string().min(1).max(1000),
    lastLogLines: z.array(z.string().max(2000)).max(50).default([]),
  }),
  example: { key: 'host:memory', severity: 'warning', agent: null, cause: 'host_memory', message: 'host memory 93% used (threshold 90%)', lastLogLines: [] },
} as const;
export type RaiseAlertPayloadV1 = z.infer<typeof RaiseAlertV1.payload>;
