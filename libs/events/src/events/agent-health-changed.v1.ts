import { z } from 'zod';

/** A health check changed its verdict on the agent's running container. */
export const AgentHealthChangedV1 = {
  type: 'agent.health_changed',
  version: 1,
  data: z.object({
    agentId: z.string(),
    containerId: z.string(),
    status: z.enum(['healthy', 'unhealthy']),
    probe: z.enum(['docker', 'command', 'http']),
    output: z.string().max(2000),
  }),
  example: { agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10', containerId: '4f2a9c', status: 'unhealthy', probe: 'http', output: 'GET /health answered 503 three times in a row' },
} as const;
export type AgentHealthChangedDataV1 = z.infer<typeof AgentHealthChangedV1.data>;
