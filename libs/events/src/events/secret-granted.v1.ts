import { z } from 'zod';

/**
 * The templates that may use a secret from now on (replacing any earlier grant). A
 * template whose secretRef names a secret it is not granted is refused at deploy,
 * and its containers are never given the value.
 */
export const SecretGrantedV1 = {
  type: 'secret.granted',
  version: 1,
  data: z.object({
    name: z.string(),
    templates: z.array(z.string()),
  }),
  example: { name: 'xai-api-key', templates: ['grok4'] },
} as const;
export type SecretGrantedDataV1 = z.infer<typeof SecretGrantedV1.data>;
