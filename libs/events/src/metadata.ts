import { z } from 'zod';

/**
 * Who issued a command: a Discord user, an API token, a CLI user, the control plane
 * itself, or an agent (a manager's subtasks, recorded by the orchestrator from the
 * agent protocol: no bus sender may claim `agent`, see senders.ts).
 */
export const ActorSchema = z.object({
  kind: z.enum(['discord', 'api', 'cli', 'system', 'agent']),
  id: z.string().min(1).max(200),
  displayName: z.string().min(1).max(200),
});
export type Actor = z.infer<typeof ActorSchema>;

/** Metadata carried by every stored and published event. */
export const EventMetadataSchema = z.object({
  commandId: z.string().min(1).max(200).nullable(),
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200).nullable(),
  actor: ActorSchema,
  /** where the command came from, e.g. "cli", "discord:guild/channel", "orchestrator:reconcile" */
  source: z.string().min(1).max(300),
  /** the operator's stated reason, when given */
  reason: z.string().max(500).nullable(),
  occurredAt: z.iso.datetime({ offset: true }),
});
export type EventMetadata = z.infer<typeof EventMetadataSchema>;

export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'sacp', displayName: 'control plane' };
