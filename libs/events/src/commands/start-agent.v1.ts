import { z } from 'zod';
import { AgentRefSchema } from './command-envelope';

export const StartAgentV1 = {
  type: 'agent.start',
  version: 1,
  payload: z.object({ agent: AgentRefSchema }),
  example: { agent: 'coder-1' },
} as const;
export type StartAgentPayloadV1 = z.infer<typeof StartAgentV1.payload>;
