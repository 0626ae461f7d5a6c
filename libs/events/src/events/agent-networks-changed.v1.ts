import { z } from 'zod';

/**
 * The reconciler moved an agent's running container between networks without
 * recreating it (its team's egress changed, or it was on a network the control plane
 * no longer wants it on): the networks it joined and left, and the ones it is on now.
 * Stream `agent-<id>`. A change of team recreates the container instead (its labels and
 * mounts change too), recorded by the usual container events.
 */
export const AgentNetworksChangedV1 = {
  type: 'agent.networks_changed',
  version: 1,
  data: z.object({
    agentId: z.string(),
    containerId: z.string(),
    connected: z.array(z.string()).max(16),
    disconnected: z.array(z.string()).max(16),
    networks: z.array(z.string()).max(16),
  }),
  example: {
    agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10',
    containerId: '4f1c2a9e0b7d',
    connected: ['sacp-team-coding_egress'],
    disconnected: ['sacp-team-coding'],
    networks: ['sacp-team-coding_egress'],
  },
} as const;
export type AgentNetworksChangedDataV1 = z.infer<typeof AgentNetworksChangedV1.data>;
