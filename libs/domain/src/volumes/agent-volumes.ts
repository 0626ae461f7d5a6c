import { ErrorCodes } from '@sacp/events';
import type { AgentState } from '../agent/agent.state';
import { Labels } from '../container/container-spec.build';
import { DomainError } from '../domain-error';

/** The stream that records what happened to one volume (its removal). */
export const volumeStreamId = (name: string) => `volume-${name}`;

/** Who this control plane is, as its labels say: volumes of another instance or store are never touched. */
export interface ControlPlaneIdentity {
  instance: string;
  store: string;
}

/** The labels of an agent's volume: this control plane's, the agent's id and name, and the volume's role ("workspace"). */
export function agentVolumeLabels(own: Record<string, string>, agent: { agentId: string; name: string }, kind: string): Record<string, string> {
  return { ...own, [Labels.agentId]: agent.agentId, [Labels.agentName]: agent.name, [Labels.volume]: kind };
}

/** Made by this control plane: managed, its instance and its event store (a volume of another store is a bystander). */
export function isOwnVolume(labels: Record<string, string>, me: ControlPlaneIdentity): boolean {
  return labels[Labels.managed] === 'true' && labels[Labels.instance] === me.instance && labels[Labels.store] === me.store;
}

/**
 * The agent a volume belongs to no longer exists: removed (without `--volumes`), or
 * never known to this store (a restored backup, another history). An agent whose
 * removal is still under way is not gone yet.
 */
export function agentGone(state: Pick<AgentState, 'exists' | 'observed'>): boolean {
  return !state.exists || state.observed === 'removed';
}

/** What the removal of a volume by name needs to know. */
export interface VolumeRemovalFacts {
  name: string;
  /** null: Docker has no volume of that name */
  labels: Record<string, string> | null;
  /** the agent named by the volume's label, as the store knows it; null when the label is missing */
  agent: Pick<AgentState, 'exists' | 'observed' | 'name'> | null;
  /** containers still mounting it */
  usedBy: string[];
}

/**
 * `volume.remove` decides on purpose, never on sight: only a volume of this control
 * plane whose agent is gone qualifies. Throws the refusal; returns nothing when it may go.
 */
export function assertRemovableOrphan(facts: VolumeRemovalFacts, me: ControlPlaneIdentity): void {
  const { name, labels, agent, usedBy } = facts;
  if (!labels) throw new DomainError(ErrorCodes.VOLUME_NOT_FOUND, `no volume "${name}" exists on this Docker engine: see "sacp volumes"`, { volume: name });
  if (!isOwnVolume(labels, me))
    throw new DomainError(ErrorCodes.VOLUME_NOT_OURS, `volume "${name}" was not made by this control plane (instance ${me.instance}, this event store): it is left alone`, {
      volume: name,
      instance: labels[Labels.instance] ?? null,
      store: labels[Labels.store] ?? null,
    });
  if (agent && !agentGone(agent))
    throw new DomainError(
      ErrorCodes.VOLUME_NOT_ORPHANED,
      `volume "${name}" belongs to agent "${agent.name}", which still exists: remove the agent with its volumes ("sacp rm ${agent.name} --volumes")`,
      { volume: name, agent: agent.name },
    );
  if (usedBy.length)
    throw new DomainError(ErrorCodes.VOLUME_IN_USE, `volume "${name}" is still mounted by ${usedBy.join(', ')}: remove those containers first`, { volume: name, usedBy });
}
