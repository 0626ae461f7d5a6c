import { z } from 'zod';

/** A template file was seen for the first time or with changed content. */
export const TemplateVersionRegisteredV1 = {
  type: 'template.version_registered',
  version: 1,
  data: z.object({
    name: z.string(),
    version: z.number().int().positive(),
    hash: z.string(),
    file: z.string(),
    definition: z.record(z.string(), z.unknown()),
  }),
  example: { name: 'grok4', version: 2, hash: 'sha256:3f1c', file: 'agents/grok4.json', definition: { name: 'grok4', image: 'sacp/sim-agent:latest' } },
} as const;
export type TemplateVersionRegisteredDataV1 = z.infer<typeof TemplateVersionRegisteredV1.data>;
