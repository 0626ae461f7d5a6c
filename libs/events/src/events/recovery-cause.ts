import { z } from 'zod';

/** Why the monitor acts on an agent: the event it reacts to and what that event means. */
export const RecoveryCauseSchema = z.object({
  eventId: z.string().min(1),
  kind: z.enum(['crashed', 'oom_killed', 'exited', 'unhealthy', 'vanished']),
  detail: z.string().max(500),
});
export type RecoveryCause = z.infer<typeof RecoveryCauseSchema>;
