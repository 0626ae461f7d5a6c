import { z } from 'zod';

/** A secret's value was stored or replaced. The value itself never enters an event. */
export const SecretSetV1 = {
  type: 'secret.set',
  version: 1,
  data: z.object({
    name: z.string(),
    version: z.number().int().positive(),
  }),
  example: { name: 'xai-api-key', version: 1 },
} as const;
export type SecretSetDataV1 = z.infer<typeof SecretSetV1.data>;
