import { z } from 'zod';
import { AgentRefSchema } from './command-envelope';

export const RestartAgentV1 = {
  type: 'agent.restart',
  version: 1,
  payload: z.object({ agent: AgentRefSchema }),
  example: { agent: 'coder-1' },
} as const;
export type RestartAgentPayloadV1 = z.infer<typeof RestartAgentV1.payload>;
