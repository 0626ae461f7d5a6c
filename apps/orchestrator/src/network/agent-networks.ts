import { Inject, Injectable } from '@nestjs/common';
import {
  Labels,
  networkChanges,
  networkUnwanted,
  placeAgent,
  wantedNetworks,
  type AgentState,
  type ContainerSpec,
  type TeamPlacement,
  type TeamVolume,
  type WantedNetwork,
} from '@sacp/domain';
import { DockerDriver, type ContainerSummary } from '@sacp/docker';
import { ErrorCodes, newEvent, type StoredEvent } from '@sacp/events';
import { type JsonLogger } from '@sacp/platform';
import { LOGGER } from '@sacp/platform/nest';
import { AgentRecorder } from '../reconcile/agent-recorder';
import { ControlPlaneLabels } from '../reconcile/control-plane-labels';
import { LeaseLost, OperationFailure, type Live } from '../reconcile/reconcile-errors';
import { TeamLocator } from '../teams/team-locator';
import { TemplateCatalog } from '../templates/template-catalog';

/** The labels that must match on a team's volume found by name before it is mounted. */
const VOLUME_IDENTITY = [Labels.managed, Labels.instance, Labels.store, Labels.team, Labels.volume];

/**
 * Where the reconciler puts an agent's container (libs/domain `placeAgent`): its team's
 * network (internal unless the team allows egress) or the network of agents in no team,
 * the `sacp.team` label and the team's shared volume at /team. It makes those networks
 * and the volume before the container, moves a running container when its team's egress
 * changes (`agent.networks_changed`), and removes team networks nothing uses any more.
 */
@Injectable()
export class AgentNetworks {
  constructor(
    private readonly docker: DockerDriver,
    private readonly teams: TeamLocator,
    private readonly catalog: TemplateCatalog,
    private readonly labels: ControlPlaneLabels,
    private readonly recorder: AgentRecorder,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  /** The team as placement needs it; null for an agent in no team (or a team that is gone). */
  async teamOf(state: Pick<AgentState, 'team'>): Promise<TeamPlacement | null> {
    if (!state.team) return null;
    const team = await this.teams.load(state.team);
    if (!team.exists || !team.config) return null;
    return { name: team.name, egress: team.config.egress, sharedVolume: team.config.sharedVolume };
  }

  /** Places a built, policy-checked spec and makes its networks and its team's volume. */
  async prepare(spec: ContainerSpec, state: AgentState): Promise<ContainerSpec> {
    const own = await this.labels.own();
    const placed = placeAgent(spec, state.name, await this.teamOf(state), own, this.labels.instance);
    for (const n of placed.networks) await this.ensureNetwork(n);
    if (placed.teamVolume) await this.ensureTeamVolume(placed.teamVolume, spec.image);
    return placed.spec;
  }

  /**
   * Puts the agent's current container on the networks it should be on and takes it off
   * the others, recorded as `agent.networks_changed`. Returns whether anything changed.
   * Adopted containers are left where they are.
   */
  async converge(live: Live, state: AgentState, container: ContainerSummary, cause: StoredEvent): Promise<boolean> {
    if (state.adopted || !state.template) return false;
    const template = await this.catalog.definitionAt(state.template.name, state.template.version);
    const wanted = wantedNetworks(template.network, state.name, await this.teamOf(state), await this.labels.own(), this.labels.instance);
    const current = Object.keys(container.networks);
    // 'none' cannot be left while another is joined, nor joined later: that needs a new container
    if (current.includes('none') || (!wanted.length && current.length)) return false;
    const { connect, disconnect } = networkChanges(current, wanted);
    if (!connect.length && !disconnect.length) return false;
    await this.dockerCall(live, async () => {
      for (const n of connect) {
        await this.ensureNetwork(n);
        await this.docker.connectNetwork(n.name, container.id, n.aliases);
      }
      for (const name of disconnect) await this.docker.disconnectNetwork(name, container.id);
    });
    const networks = [...current.filter((n) => !disconnect.includes(n)), ...connect.map((n) => n.name)];
    this.log.info('agent moved between networks', { agentId: state.agentId, name: state.name, connected: connect.map((n) => n.name), disconnected: disconnect });
    await this.recorder.record(live, state, cause, [
      newEvent('agent.networks_changed', { agentId: state.agentId, containerId: container.id, connected: connect.map((n) => n.name), disconnected: disconnect, networks }),
    ]);
    return true;
  }

  /** The agents of a team, for a change on its stream (egress) to reach each of them. */
  async members(team: string): Promise<string[]> {
    const state = await this.teams.load(team).catch(() => null);
    return state ? Object.keys(state.members) : [];
  }

  /** Removes this control plane's team networks that no container is on and nothing wants (the team is gone, or its egress changed). */
  async sweep(live: Live): Promise<void> {
    for (const n of await this.docker.listNetworks({ ...(await this.labels.own()), [Labels.network]: 'team' })) {
      if (n.containers > 0 || !live()) continue;
      const teamName = n.labels[Labels.team] ?? '';
      const team = teamName ? await this.teams.load(teamName).catch(() => null) : null;
      const facts = team ? { exists: team.exists, egress: team.config?.egress ?? false } : null;
      if (!networkUnwanted(n.labels, n.name, this.labels.instance, facts)) continue;
      await this.docker.removeNetwork(n.name).catch((err: unknown) => this.log.warn('could not remove an unused team network', { network: n.name, error: err }));
      this.log.info('team network removed: no container uses it', { network: n.name, team: teamName });
    }
  }

  private async ensureNetwork(n: WantedNetwork): Promise<void> {
    const got = await this.docker.ensureNetwork(n.name, n.labels, { internal: n.internal, options: n.options });
    if (got.created) this.log.info('network created', { network: n.name, internal: n.internal, team: n.labels[Labels.team] ?? null });
    if (!n.managed) return;
    const wrong = n.identity.filter((k) => (got.labels[k] ?? null) !== (n.labels[k] ?? null));
    if (wrong.length || got.internal !== n.internal)
      throw new OperationFailure(
        'create',
        ErrorCodes.POLICY_VIOLATION,
        `network "${n.name}" exists but is not the one this control plane wants (${wrong.length ? `labels ${wrong.join(', ')} differ` : `internal is ${got.internal}`}): remove or rename it`,
      );
  }

  /**
   * Makes the team's volume and opens it to every member's uid. The mode is set again
   * each time a member's container is made (a helper container, about a quarter of a
   * second): a crash between the volume's creation and its first chmod cannot leave it
   * closed, and nothing but the volume itself would have to remember that it was done.
   */
  private async ensureTeamVolume(v: TeamVolume, image: string): Promise<void> {
    const got = await this.docker.ensureVolume(v.name, v.labels);
    if (got.created) this.log.info('team volume created', { volume: v.name, team: v.labels[Labels.team] });
    const wrong = VOLUME_IDENTITY.filter((k) => (got.labels[k] ?? null) !== (v.labels[k] ?? null));
    if (wrong.length)
      throw new OperationFailure('create', ErrorCodes.POLICY_VIOLATION, `volume "${v.name}" exists but is not this team's shared volume (labels ${wrong.join(', ')} differ)`);
    // not the control plane's container labels (managed, store): the reconciler never takes it for an agent
    await this.docker.shareVolume(v.name, image, { [Labels.instance]: this.labels.instance, [Labels.component]: 'team-volume-helper' });
  }

  private async dockerCall(live: Live, fn: () => Promise<void>): Promise<void> {
    if (!live()) throw new LeaseLost();
    try {
      await fn();
    } catch (err) {
      if (err instanceof OperationFailure) throw err;
      const e = err as { code?: string; message?: string };
      throw new OperationFailure('start', e.code ?? ErrorCodes.DOCKER_OPERATION_FAILED, e.message ?? String(err));
    }
  }
}
