import { z } from 'zod';

/**
 * A container carrying this control plane's labels (instance and store id) for an
 * agent the store does not know was stopped and renamed, not removed: it is kept for
 * an operator to look at until `removeAfter`, or until `sacp quarantine rm`.
 */
export const ContainerQuarantinedV1 = {
  type: 'container.quarantined',
  version: 1,
  data: z.object({
    containerId: z.string(),
    /** its name when found */
    containerName: z.string(),
    /** its name since: visible as such in `docker ps -a` */
    quarantinedName: z.string(),
    /** the agent id its label names, when it has one */
    agentId: z.string().nullable(),
    image: z.string(),
    reason: z.string(),
    removeAfter: z.string(),
  }),
  example: {
    containerId: '9c1e4b7a2f3d',
    containerName: 'sacp-coder-1-0192f0c8-g1',
    quarantinedName: 'sacp-quarantined-sacp-coder-1-0192f0c8-g1',
    agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10',
    image: 'sacp/sim-agent:latest',
    reason: "it carries this control plane's labels (instance default, store 4b1f…) for an agent the event store does not know",
    removeAfter: '2026-11-27T10:00:00.000Z',
  },
} as const;
export type ContainerQuarantinedDataV1 = z.infer<typeof ContainerQuarantinedV1.data>;
