import { assertRemovableOrphan, DomainError, Labels, volumeStreamId, type ControlPlaneIdentity } from '@sacp/domain';
import type { DockerDriver } from '@sacp/docker';
import type { EventStore } from '@sacp/event-store';
import { ErrorCodes, newEvent, type CommandEnvelope, type RemoveVolumePayloadV1 } from '@sacp/events';
import type { AgentLocator } from '../commands/agent-locator';
import type { UseCaseOutcome } from '../commands/command-pipeline';
import { isTeamVolume } from '../network/team-volume';
import type { TeamLocator } from '../teams/team-locator';

export interface RemoveVolumeDeps {
  docker: Pick<DockerDriver, 'inspectVolume' | 'volumeUsers' | 'removeVolume'>;
  agents: Pick<AgentLocator, 'load'>;
  teams?: Pick<TeamLocator, 'load'>;
  store: Pick<EventStore, 'streamVersion'>;
  identity: () => Promise<ControlPlaneIdentity>;
  /** the last size measured, for the record */
  lastSize: (name: string) => number | null;
}

/**
 * volume.remove: an orphaned volume of this control plane is removed on purpose and
 * recorded (`volume.removed`, by: operator, with who asked). Anything else is refused
 * with its reason (see assertRemovableOrphan): another control plane's volume, a
 * living agent's, one still mounted, or none at all.
 */
export async function removeOrphanVolume(cmd: CommandEnvelope<RemoveVolumePayloadV1>, deps: RemoveVolumeDeps): Promise<UseCaseOutcome> {
  const name = cmd.payload.volume;
  const found = await deps.docker.inspectVolume(name);
  const agentId = found?.labels[Labels.agentId] ?? null;
  const agent = agentId ? (await deps.agents.load(agentId)).state : null;
  const usedBy = found ? await deps.docker.volumeUsers(name) : [];
  assertRemovableOrphan({ name, labels: found?.labels ?? null, agent, usedBy }, await deps.identity());
  const team = found && isTeamVolume(found.labels) ? found.labels[Labels.team]! : null;
  if (team && deps.teams && (await deps.teams.load(team)).exists)
    throw new DomainError(
      ErrorCodes.VOLUME_NOT_ORPHANED,
      `volume "${name}" is the shared volume of team "${team}", which still exists: delete the team with its volumes ("sacp team delete ${team} --volumes")`,
      {
        volume: name,
        team,
      },
    );
  const agentName = (agent?.exists ? agent.name : null) || (found?.labels[Labels.agentName] ?? null);
  const sizeBytes = deps.lastSize(name);
  await deps.docker.removeVolume(name);
  const streamId = volumeStreamId(name);
  return {
    appends: [
      {
        streamId,
        expectedVersion: await deps.store.streamVersion(streamId),
        events: [
          newEvent('volume.removed', {
            volume: name,
            kind: found?.labels[Labels.volume] ?? null,
            agentId,
            agentName,
            by: 'operator',
            requestedBy: { kind: cmd.actor.kind, id: cmd.actor.id, displayName: cmd.actor.displayName },
            sizeBytes,
          }),
        ],
      },
    ],
    result: { volume: name, agentId, agentName, removed: true },
    target: `volume ${name}`,
  };
}
