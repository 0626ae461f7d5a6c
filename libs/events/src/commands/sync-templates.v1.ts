import { z } from 'zod';

/** Re-reads the template files and records every changed one as a new template version. */
export const SyncTemplatesV1 = {
  type: 'template.sync',
  version: 1,
  payload: z.object({}).strict(),
  example: {},
} as const;
