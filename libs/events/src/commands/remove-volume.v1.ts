import { z } from 'zod';

/**
 * Removes an orphaned volume on purpose: one with this control plane's labels (its
 * instance and event store) whose agent no longer exists. A volume of a living agent
 * is removed with the agent (`agent.remove` with `volumes: true`), never this way.
 */
export const RemoveVolumeV1 = {
  type: 'volume.remove',
  version: 1,
  payload: z.object({
    volume: z
      .string()
      .min(1, 'name the volume as `sacp volumes` lists it')
      .max(255)
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a Docker volume name uses letters, digits, "_", "." and "-"'),
  }),
  example: { volume: 'sacp-7c3a9b1d3c1f-workspace' },
} as const;
export type RemoveVolumePayloadV1 = z.infer<typeof RemoveVolumeV1.payload>;
