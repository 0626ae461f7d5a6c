import { z } from 'zod';

/**
 * Stores a secret value encrypted at rest, and/or replaces the templates it is granted
 * to; the audit trail records the name and the templates only.
 *
 * `templates` was added to v1 as an optional field, and `value` became optional when
 * `templates` is given: every earlier sender sends a value and no templates, which
 * means what it always meant (store the value; the grant stays as it is), and the
 * frozen example still parses. An orchestrator older than grants refuses a payload
 * without a value instead of half-applying it.
 */
export const SetSecretV1 = {
  type: 'secret.set',
  version: 1,
  payload: z
    .object({
      name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/, 'secret names use a-z, 0-9, "_", "." and "-"'),
      value: z.string().min(1, 'the secret value is empty').max(16_384).optional(),
      /** the templates that may use the secret, replacing the earlier grant */
      templates: z
        .array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'template names use a-z, 0-9, "_" and "-"'))
        .max(200)
        .optional(),
    })
    .refine((p) => p.value !== undefined || p.templates !== undefined, { message: 'give the value, the templates to grant it to, or both', path: ['value'] }),
  example: { name: 'xai-api-key', value: 'xai-example-not-a-real-key' },
  /** payload fields never written to the audit trail or logs */
  redact: ['value'],
} as const;
export type SetSecretPayloadV1 = z.infer<typeof SetSecretV1.payload>;
