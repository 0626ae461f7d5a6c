import { z } from 'zod';
import { AgentRefSchema } from './command-envelope';

/**
 * Removes the agent and its container. `volumes: true` removes its volumes too (each
 * one recorded as `volume.removed`); without it they are kept and listed as orphaned.
 * `volumes` was added to version 1 as an optional field: a sender that omits it gets
 * what version 1 always did, and an older orchestrator ignores it (keeping the volumes).
 */
export const RemoveAgentV1 = {
  type: 'agent.remove',
  version: 1,
  payload: z.object({ agent: AgentRefSchema, volumes: z.boolean().default(false) }),
  example: { agent: 'coder-1' },
} as const;
export type RemoveAgentPayloadV1 = z.infer<typeof RemoveAgentV1.payload>;
