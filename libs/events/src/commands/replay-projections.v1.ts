import { z } from 'zod';

/** Rebuilds every read model from the events table and swaps it in. */
export const ReplayProjectionsV1 = {
  type: 'system.replay',
  version: 1,
  payload: z.object({}).strict(),
  example: {},
} as const;
