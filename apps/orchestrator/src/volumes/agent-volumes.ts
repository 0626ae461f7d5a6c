import { Inject, Injectable } from '@nestjs/common';
import { agentVolumeLabels, Labels, volumeStreamId, type AgentState, type ContainerMount } from '@sacp/domain';
import { DockerDriver } from '@sacp/docker';
import { EventStore, type AppendRequest } from '@sacp/event-store';
import { newEvent } from '@sacp/events';
import { type JsonLogger } from '@sacp/platform';
import { LOGGER } from '@sacp/platform/nest';
import { ControlPlaneLabels } from '../reconcile/control-plane-labels';
import { VolumeSizes } from './volume-sizes';

/**
 * An agent's volumes for the reconciler: made (labelled with this control plane, the
 * agent and the volume's role) before its container, kept across stops, restarts and
 * new generations (same name, so the same volume is mounted again), and removed with
 * the agent only when its removal asked for them.
 */
@Injectable()
export class AgentVolumes {
  constructor(
    private readonly docker: DockerDriver,
    private readonly store: EventStore,
    private readonly labels: ControlPlaneLabels,
    private readonly sizes: VolumeSizes,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  /** Makes the named volume of one mount if it is missing (a volume that exists keeps its content and its labels). */
  async ensure(state: Pick<AgentState, 'agentId' | 'name'>, mount: ContainerMount): Promise<void> {
    if (mount.type !== 'volume' || !mount.source) return;
    const labels = agentVolumeLabels(await this.labels.own(), state, mount.volume ?? mount.source);
    const made = await this.docker.ensureVolume(mount.source, labels);
    if (made.created) this.log.info('volume created', { agentId: state.agentId, name: state.name, volume: mount.source, kind: labels[Labels.volume] });
  }

  /**
   * Removes every volume of this control plane that carries the agent's id, and returns
   * the `volume.removed` records to append with `agent.removed`. Called once the agent's
   * containers are gone; a volume that cannot be removed fails the step (retried with
   * back-off). A crash between Docker's removal and the append loses that record, not
   * the removal: `agent.remove_requested` (volumes: true, with its actor) still says it.
   */
  async removeAll(state: AgentState): Promise<AppendRequest[]> {
    const volumes = await this.docker.listVolumes({ ...(await this.labels.own()), [Labels.agentId]: state.agentId });
    const appends: AppendRequest[] = [];
    for (const v of volumes) {
      const sizeBytes = this.sizes.lastSize(v.name);
      await this.docker.removeVolume(v.name);
      this.log.info('volume removed with its agent', { agentId: state.agentId, name: state.name, volume: v.name });
      const streamId = volumeStreamId(v.name);
      appends.push({
        streamId,
        expectedVersion: await this.store.streamVersion(streamId),
        events: [
          newEvent('volume.removed', {
            volume: v.name,
            kind: v.labels[Labels.volume] ?? null,
            agentId: state.agentId,
            agentName: state.name,
            by: 'agent_removed',
            requestedBy: state.removeRequestedBy,
            sizeBytes,
          }),
        ],
      });
    }
    return appends;
  }
}
