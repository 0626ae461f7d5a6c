import { agentGone, Labels, TEAM_SHARED_VOLUME, type AgentState } from '@sacp/domain';
import type { VolumeInfo, VolumeUsage } from '@sacp/docker';
import type { VolumeView } from '@sacp/events';

/**
 * One listed volume with its agent (as the store knows it; null when the volume names
 * none) and its usage (null while none was measured). Pure.
 */
export function toVolumeView(
  volume: VolumeInfo,
  agent: Pick<AgentState, 'exists' | 'observed' | 'name'> | null,
  usage: VolumeUsage | null,
  team: { exists: boolean } | null = null,
): VolumeView {
  const agentId = volume.labels[Labels.agentId] ?? null;
  const exists = agent !== null && !agentGone(agent);
  // a team's shared volume names no agent: it is judged by its team (label sacp.team)
  const teamName = volume.labels[Labels.volume] === TEAM_SHARED_VOLUME ? (volume.labels[Labels.team] ?? null) : null;
  const teamExists = teamName !== null && team?.exists === true;
  return {
    name: volume.name,
    kind: volume.labels[Labels.volume] ?? null,
    agent: { id: agentId, name: (agent?.exists ? agent.name : null) || (volume.labels[Labels.agentName] ?? null), exists },
    team: teamName === null ? null : { name: teamName, exists: teamExists },
    orphaned: (agentId !== null && !exists) || (teamName !== null && !teamExists),
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
