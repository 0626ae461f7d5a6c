import { z } from 'zod';

export const TemplateRefSchema = z.object({
  name: z.string(),
  version: z.number().int().positive(),
  hash: z.string(),
});
export type TemplateRef = z.infer<typeof TemplateRefSchema>;
