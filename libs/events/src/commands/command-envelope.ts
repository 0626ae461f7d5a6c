import { z } from 'zod';
import { ActorSchema } from '../metadata';

/**
 * Every command sent on `sacp.cmd.<aggregate>.<action>` is this envelope. The client
 * chooses `commandId`; the same id processed twice yields the first outcome.
 */
export const CommandEnvelopeSchema = z.object({
  type: z.string().regex(/^[a-z]+\.[a-z_]+$/, 'expected "<aggregate>.<action>"'),
  version: z.number().int().positive(),
  commandId: z.string().min(1).max(200),
  correlationId: z.string().min(1).max(200).optional(),
  causationId: z.string().min(1).max(200).nullable().optional(),
  actor: ActorSchema,
  source: z.string().min(1).max(300),
  reason: z.string().max(500).optional(),
  payload: z.unknown(),
});
export type CommandEnvelope<P = unknown> = Omit<z.infer<typeof CommandEnvelopeSchema>, 'payload'> & { payload: P };

export const AgentRefSchema = z.string().min(1, 'name the agent by its name or id').max(100);

export const AgentNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'agent names are 1-63 characters: lower-case letters, digits and "-", starting with a letter or digit');
