import { z } from 'zod';
import { ActorSchema } from '../metadata';

/**
 * A volume of the control plane was removed from Docker: with its agent (`sacp rm
 * --volumes`, carried out by the reconciler) or, orphaned, by an operator (`sacp
 * volumes rm`). Stream `volume-<name>`. `requestedBy` is who asked.
 */
export const VolumeRemovedV1 = {
  type: 'volume.removed',
  version: 1,
  data: z.object({
    volume: z.string(),
    /** the volume's role for its agent (label sacp.volume), e.g. "workspace" */
    kind: z.string().nullable(),
    agentId: z.string().nullable(),
    agentName: z.string().nullable(),
    by: z.enum(['agent_removed', 'operator']),
    requestedBy: ActorSchema.nullable(),
    /** the last size Docker reported, in bytes; null when none was known */
    sizeBytes: z.number().int().min(0).nullable(),
  }),
  example: {
    volume: 'sacp-7c3a9b1d3c1f-workspace',
    kind: 'workspace',
    agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10',
    agentName: 'coder-1',
    by: 'agent_removed',
    requestedBy: { kind: 'cli', id: 'alice', displayName: 'alice' },
    sizeBytes: 4096,
  },
} as const;
export type VolumeRemovedDataV1 = z.infer<typeof VolumeRemovedV1.data>;
