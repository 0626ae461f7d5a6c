import { z } from 'zod';

/** A quarantined container was removed: its grace period ran out, or an operator asked. */
export const ContainerQuarantineRemovedV1 = {
  type: 'container.quarantine_removed',
  version: 1,
  data: z.object({
    containerId: z.string(),
    containerName: z.string(),
    by: z.enum(['grace_period', 'operator']),
  }),
  example: { containerId: '9c1e4b7a2f3d', containerName: 'sacp-quarantined-sacp-coder-1-0192f0c8-g1', by: 'grace_period' },
} as const;
export type ContainerQuarantineRemovedDataV1 = z.infer<typeof ContainerQuarantineRemovedV1.data>;
