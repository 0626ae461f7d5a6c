import { z } from 'zod';

/** A command was refused for lack of a role. Stored on the stream `access-<actor kind>-<actor id>`. */
export const AccessRefusedV1 = {
  type: 'access.refused',
  version: 1,
  data: z.object({
    command: z.string(),
    arguments: z.record(z.string(), z.unknown()),
    required: z.enum(['viewer', 'operator', 'admin']),
    held: z.enum(['viewer', 'operator', 'admin']).nullable(),
    message: z.string(),
  }),
  example: {
    command: 'agent.stop',
    arguments: { agent: 'coder-1' },
    required: 'operator',
    held: 'viewer',
    message: 'stopping an agent needs the operator role; bob has viewer',
  },
} as const;
export type AccessRefusedDataV1 = z.infer<typeof AccessRefusedV1.data>;
