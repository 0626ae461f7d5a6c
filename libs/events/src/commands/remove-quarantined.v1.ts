import { z } from 'zod';

/** Removes a quarantined container now, before its grace period ends. Only quarantined containers qualify. */
export const RemoveQuarantinedV1 = {
  type: 'container.remove_quarantined',
  version: 1,
  payload: z.object({
    container: z.string().min(1, 'name the container by its id (or a prefix of 12+ characters) or name').max(200),
  }),
  example: { container: '9c1e4b7a2f3d' },
} as const;
export type RemoveQuarantinedPayloadV1 = z.infer<typeof RemoveQuarantinedV1.payload>;
