import { agentGone, Labels, type AgentState } from '@sacp/domain';
import type { VolumeInfo, VolumeUsage } from '@sacp/docker';
import type { VolumeView } from '@sacp/events';

/**
 * One listed volume with its agent (as the store knows it; null when the volume names
 * none) and its usage (null while none was measured). Pure.
 */
export function toVolumeView(volume: VolumeInfo, agent: Pick<AgentState, 'exists' | 'observed' | 'name'> | null, usage: VolumeUsage | null): VolumeView {
  const agentId = volume.labels[Labels.agentId] ?? null;
  const exists = agent !== null && !agentGone(agent);
  return {
    name: volume.name,
    kind: volume.labels[Labels.volume] ?? null,
    agent: { id: agentId, name: (agent?.exists ? agent.name : null) || (volume.labels[Labels.agentName] ?? null), exists },
    // a volume that names no agent is not an agent's: a team's shared volume (issue 11, later) will carry
    // the team's label and be judged by its team; until then such a volume is listed, never called orphaned
    orphaned: agentId !== null && !exists,
    sizeBytes: usage?.sizeBytes ?? null,
    refCount: usage?.refCount ?? null,
    createdAt: volume.createdAt,
  };
}

/** Newest first (Docker's RFC 3339 times sort as text only within one offset, so by parsed time), then by name. */
export function sortVolumes(views: VolumeView[]): VolumeView[] {
  const t = (v: VolumeView) => (v.createdAt ? Date.parse(v.createdAt) || 0 : 0);
  return [...views].sort((a, b) => t(b) - t(a) || a.name.localeCompare(b.name));
}
