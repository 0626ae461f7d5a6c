import { Inject, Injectable } from '@nestjs/common';
import { Labels, TEAM_SHARED_VOLUME, type AgentState } from '@sacp/domain';
import { DockerDriver, type VolumeInfo } from '@sacp/docker';
import type { VolumeListView } from '@sacp/events';
import { Metrics, type JsonLogger } from '@sacp/platform';
import { LOGGER } from '@sacp/platform/nest';
import { AgentLocator } from '../commands/agent-locator';
import { ControlPlaneLabels } from '../reconcile/control-plane-labels';
import { TeamLocator } from '../teams/team-locator';
import { sortVolumes, toVolumeView } from './volume-view';
import { VolumeSizes } from './volume-sizes';

type AgentFacts = Pick<AgentState, 'exists' | 'observed' | 'name'>;

/**
 * This control plane's volumes (its instance and event store: another's are never
 * listed, nor touched), each with its agent and size; and the report of orphans:
 * volumes whose agent is gone are logged once per process and counted in
 * `sacp_volumes_orphaned`, never removed by themselves.
 */
@Injectable()
export class VolumeCatalog {
  /** orphans already logged by this process */
  private readonly reported = new Set<string>();
  /** agents found gone, with their names: a removed agent never comes back, so its stream is not read again */
  private readonly gone = new Map<string, string>();

  constructor(
    private readonly docker: DockerDriver,
    private readonly agents: AgentLocator,
    private readonly labels: ControlPlaneLabels,
    private readonly sizes: VolumeSizes,
    private readonly teams: TeamLocator,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  async list(q: { orphaned: boolean; limit: number }): Promise<VolumeListView> {
    const [volumes, sizes] = await Promise.all([this.docker.listVolumes(await this.labels.own()), this.sizes.read()]);
    const [agents, teams] = await Promise.all([this.agentsOf(volumes), this.teamsOf(volumes)]);
    const usage = sizes.last?.value;
    let views = sortVolumes(volumes.map((v) => toVolumeView(v, this.agentOf(v, agents), usage?.get(v.name) ?? null, teams.get(v.labels[Labels.team] ?? '') ?? null)));
    if (q.orphaned) views = views.filter((v) => v.orphaned);
    return { volumes: views.slice(0, q.limit), total: views.length, sizesAt: sizes.last?.at ?? null, sizesPending: sizes.pending };
  }

  /**
   * Called after each full reconcile pass on the leader: lists the volumes (cheap; no
   * sizes) and reports the orphans. `live` holds the agents the registry knows are alive.
   */
  async reportOrphans(live: Set<string>): Promise<void> {
    const volumes = await this.docker.listVolumes(await this.labels.own());
    const agents = await this.agentsOf(volumes.filter((v) => !live.has(v.labels[Labels.agentId] ?? '')));
    const teams = await this.teamsOf(volumes);
    let orphans = 0;
    const names = new Set<string>();
    for (const v of volumes) {
      names.add(v.name);
      const agentId = v.labels[Labels.agentId] ?? '';
      if (live.has(agentId) && !this.gone.has(agentId)) continue;
      const view = toVolumeView(v, this.agentOf(v, agents), null, teams.get(v.labels[Labels.team] ?? '') ?? null);
      if (!view.orphaned) continue;
      orphans++;
      if (this.reported.has(v.name)) continue;
      this.reported.add(v.name);
      this.log.warn(view.team ? 'orphaned volume kept: its team no longer exists' : 'orphaned volume kept: its agent no longer exists', {
        volume: v.name,
        kind: view.kind,
        team: view.team?.name ?? null,
        agentId: view.agent.id,
        agentName: view.agent.name,
        hint: `inspect it, then remove it on purpose with: sacp volumes rm ${v.name}`,
      });
    }
    for (const name of this.reported) if (!names.has(name)) this.reported.delete(name);
    Metrics.volumesOrphaned.set(orphans);
  }

  /** The store's view of each agent the volumes name, read once per agent. */
  private async agentsOf(volumes: VolumeInfo[]): Promise<Map<string, AgentFacts>> {
    const ids = [...new Set(volumes.map((v) => v.labels[Labels.agentId]).filter((id): id is string => !!id))];
    const out = new Map<string, AgentFacts>();
    await Promise.all(
      ids.map(async (id) => {
        const goneName = this.gone.get(id);
        if (goneName !== undefined) return out.set(id, { exists: true, observed: 'removed', name: goneName });
        const { state } = await this.agents.load(id);
        if (!state.exists || state.observed === 'removed') this.gone.set(id, state.name);
        out.set(id, state);
      }),
    );
    return out;
  }

  /** Whether each team a shared volume names still exists. */
  private async teamsOf(volumes: VolumeInfo[]): Promise<Map<string, { exists: boolean }>> {
    const names = [...new Set(volumes.filter((v) => v.labels[Labels.volume] === TEAM_SHARED_VOLUME).map((v) => v.labels[Labels.team] ?? ''))].filter(Boolean);
    const out = new Map<string, { exists: boolean }>();
    await Promise.all(names.map(async (name) => out.set(name, { exists: (await this.teams.load(name).catch(() => null))?.exists === true })));
    return out;
  }

  private agentOf(v: VolumeInfo, agents: Map<string, AgentFacts>): AgentFacts | null {
    const id = v.labels[Labels.agentId];
    return id ? (agents.get(id) ?? null) : null;
  }
}
