import { z } from 'zod';

/** Resolves the open alert with this key, if there is one. */
export const ResolveAlertV1 = {
  type: 'alert.resolve',
  version: 1,
  payload: z.object({ key: z.string().min(1).max(300), message: z.string().min(1).max(1000) }),
  example: { key: 'host:memory', message: 'host memory 71% used' },
} as const;
export type ResolveAlertPayloadV1 = z.infer<typeof ResolveAlertV1.payload>;
