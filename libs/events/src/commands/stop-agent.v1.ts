import { z } from 'zod';
import { AgentRefSchema } from './command-envelope';

export const StopAgentV1 = {
  type: 'agent.stop',
  version: 1,
  payload: z.object({ agent: AgentRefSchema }),
  example: { agent: 'coder-1' },
} as const;
export type StopAgentPayloadV1 = z.infer<typeof StopAgentV1.payload>;
