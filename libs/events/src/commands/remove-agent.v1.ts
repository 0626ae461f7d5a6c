import { z } from 'zod';
import { AgentRefSchema } from './command-envelope';

export const RemoveAgentV1 = {
  type: 'agent.remove',
  version: 1,
  payload: z.object({ agent: AgentRefSchema }),
  example: { agent: 'coder-1' },
} as const;
export type RemoveAgentPayloadV1 = z.infer<typeof RemoveAgentV1.payload>;
