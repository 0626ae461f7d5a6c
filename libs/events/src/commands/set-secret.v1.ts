import { z } from 'zod';

/** Stores a secret value encrypted at rest; the audit trail records the name only. */
export const SetSecretV1 = {
  type: 'secret.set',
  version: 1,
  payload: z.object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/, 'secret names use a-z, 0-9, "_", "." and "-"'),
    value: z.string().min(1, 'the secret value is empty').max(16_384),
    /**
     * The templates that may use the secret, replacing the earlier grant. Added to v1
     * as an optional field: a sender that omits it (every earlier sender) keeps the
     * grant as it is, so v1 means what it meant; the frozen example still parses.
     */
    templates: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'template names use a-z, 0-9, "_" and "-"'))
      .max(200)
      .optional(),
  }),
  example: { name: 'xai-api-key', value: 'xai-example-not-a-real-key' },
  /** payload fields never written to the audit trail or logs */
  redact: ['value'],
} as const;
export type SetSecretPayloadV1 = z.infer<typeof SetSecretV1.payload>;
