import { z } from 'zod';
import { AgentNameSchema } from './command-envelope';

/** Brings an existing container, made outside the control plane, under management. */
export const AdoptAgentV1 = {
  type: 'agent.adopt',
  version: 1,
  payload: z.object({
    container: z.string().min(1, 'name the container by its id or name').max(200),
    name: AgentNameSchema.optional(),
  }),
  example: { container: 'legacy-bot', name: 'legacy-bot' },
} as const;
export type AdoptAgentPayloadV1 = z.infer<typeof AdoptAgentV1.payload>;
