import { DomainError, isOwnVolume, Labels, TEAM_SHARED_VOLUME, teamVolumeName, volumeStreamId, type ControlPlaneIdentity } from '@sacp/domain';
import type { DockerDriver } from '@sacp/docker';
import type { AppendRequest, EventStore } from '@sacp/event-store';
import { ErrorCodes, newEvent, type Actor } from '@sacp/events';

export interface TeamVolumeDeps {
  docker: Pick<DockerDriver, 'inspectVolume' | 'volumeUsers' | 'removeVolume'>;
  store: Pick<EventStore, 'streamVersion'>;
  identity: () => Promise<ControlPlaneIdentity>;
  lastSize: (name: string) => number | null;
}

/** A volume that is a team's shared volume (labels sacp.volume=team-shared and sacp.team). */
export const isTeamVolume = (labels: Record<string, string>): boolean => labels[Labels.volume] === TEAM_SHARED_VOLUME && !!labels[Labels.team];

/**
 * `team.delete` with `volumes: true`: the team's shared volume goes with it, recorded as
 * `volume.removed` (by: operator, with who asked). A volume still mounted is refused
 * (its containers are being removed: try again); one of another control plane, or none,
 * is left alone. Without the flag the volume stays and is reported as orphaned.
 */
export async function removeTeamVolume(team: string, actor: Actor, deps: TeamVolumeDeps): Promise<AppendRequest[]> {
  const me = await deps.identity();
  const name = teamVolumeName(me.instance, team);
  const found = await deps.docker.inspectVolume(name);
  if (!found || !isOwnVolume(found.labels, me) || !isTeamVolume(found.labels) || found.labels[Labels.team] !== team) return [];
  const usedBy = await deps.docker.volumeUsers(name);
  if (usedBy.length)
    throw new DomainError(
      ErrorCodes.VOLUME_IN_USE,
      `the shared volume of team "${team}" (${name}) is still mounted by ${usedBy.join(', ')}: wait for those containers to go, then delete again`,
      {
        volume: name,
        usedBy,
      },
    );
  const sizeBytes = deps.lastSize(name);
  await deps.docker.removeVolume(name);
  const streamId = volumeStreamId(name);
  return [
    {
      streamId,
      expectedVersion: await deps.store.streamVersion(streamId),
      events: [
        newEvent('volume.removed', {
          volume: name,
          kind: TEAM_SHARED_VOLUME,
          agentId: null,
          agentName: null,
          by: 'operator',
          requestedBy: { kind: actor.kind, id: actor.id, displayName: actor.displayName },
          sizeBytes,
        }),
      ],
    },
  ];
}
