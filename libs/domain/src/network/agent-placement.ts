import type { ContainerMount, ContainerSpec } from '../container/container-spec';
import { Labels } from '../container/container-spec.build';

/*
 * Where an agent's container sits: its networks, its team label and its team's shared
 * volume. Pure: the orchestrator makes what this names (networks, the volume) and
 * hands the spec to Docker.
 *
 * Isolation, as verified on Docker 20.10 with iptables (test/e2e/network-isolation.test.ts):
 * - Each team has its own bridge network. Docker's isolation rules drop traffic between
 *   two bridges, so a member of one team cannot reach a member of another by name or by
 *   address; members reach each other by agent name (a DNS alias on the team network).
 * - A team network is `internal` unless the team allows egress: Docker drops anything
 *   from it to an address outside its subnet. (Docker 20.10 still gives such a container
 *   a default route via the bridge's address; the drop rules, not the routing table, are
 *   what keeps it in.) Its published ports are not published, so the monitor probes an
 *   agent there at its address on the network.
 * - Agents in no team share one network with inter-container traffic off
 *   (com.docker.network.bridge.enable_icc=false): the bridge drops traffic between its own
 *   ports. One network per agent would isolate as well, but each bridge takes a subnet out
 *   of Docker's default address pools (about 30 networks here), so 50 agents would not fit.
 *   That network keeps the egress the default bridge gave agents before teams existed.
 * - A template that says `network: none` gets no network at all, in a team or not; one that
 *   names an admin-allowed network is put there, and a team member joins its team's network too.
 */

/** What placement needs of the agent's team. */
export interface TeamPlacement {
  name: string;
  egress: boolean;
  sharedVolume: boolean;
}

/** A network the agent's container is wanted on, and how it is made when missing. */
export interface WantedNetwork {
  name: string;
  /** made and owned by the control plane: its labels and `internal` are checked before use, and it is removed when unused */
  managed: boolean;
  internal: boolean;
  /** Docker driver options, e.g. enable_icc=false */
  options: Record<string, string>;
  labels: Record<string, string>;
  aliases: string[];
  /**
   * The labels a network found by this name must carry with these values before the agent
   * is put on it. A team's network must be this store's (two stores under one instance name
   * never share a team's network); the solo network may be another store's of the same
   * instance: nothing passes between its containers anyway.
   */
  identity: string[];
}

export interface TeamVolume {
  name: string;
  labels: Record<string, string>;
}

export interface Placement {
  spec: ContainerSpec;
  /** every network the container should be on; the first is the one it is created on */
  networks: WantedNetwork[];
  teamVolume: TeamVolume | null;
}

export const TEAM_SHARED_VOLUME = 'team-shared';
export const TEAM_SHARED_TARGET = '/team';
export const NETWORK_KIND = { team: 'team', solo: 'solo' } as const;

const prefix = (instance: string) => (instance === 'default' ? 'sacp' : `sacp-${instance}`);

/** A team's network. Team names have no "_", so the egress variant never collides with another team's network. */
export const teamNetworkName = (instance: string, team: string, egress: boolean) => `${prefix(instance)}-team-${team}${egress ? '_egress' : ''}`;
/** The network of the agents in no team ("solo" is no team's name: team networks are named sacp-team-<team>). */
export const soloNetworkName = (instance: string) => `${prefix(instance)}-solo`;
export const teamVolumeName = (instance: string, team: string) => `${prefix(instance)}-team-${team}-shared`;

export function teamNetwork(own: Record<string, string>, instance: string, team: Pick<TeamPlacement, 'name' | 'egress'>, aliases: string[]): WantedNetwork {
  return {
    name: teamNetworkName(instance, team.name, team.egress),
    managed: true,
    internal: !team.egress,
    options: {},
    labels: { ...own, [Labels.network]: NETWORK_KIND.team, [Labels.team]: team.name },
    aliases,
    identity: [Labels.managed, Labels.instance, Labels.store, Labels.network, Labels.team],
  };
}

export function soloNetwork(own: Record<string, string>, instance: string): WantedNetwork {
  return {
    name: soloNetworkName(instance),
    managed: true,
    internal: false,
    options: { 'com.docker.network.bridge.enable_icc': 'false' },
    labels: { ...own, [Labels.network]: NETWORK_KIND.solo },
    aliases: [],
    identity: [Labels.managed, Labels.instance, Labels.network, Labels.team],
  };
}

export function teamVolume(own: Record<string, string>, instance: string, team: string): TeamVolume {
  return { name: teamVolumeName(instance, team), labels: { ...own, [Labels.volume]: TEAM_SHARED_VOLUME, [Labels.team]: team } };
}

/** The networks an agent should be on, from its template's `network` (already held to the policy) and its team. */
export function wantedNetworks(
  templateNetwork: string,
  agentName: string,
  team: Pick<TeamPlacement, 'name' | 'egress'> | null,
  own: Record<string, string>,
  instance: string,
): WantedNetwork[] {
  if (templateNetwork === 'none') return [];
  const ofTeam = team ? [teamNetwork(own, instance, team, [agentName])] : [];
  if (templateNetwork === 'bridge') return ofTeam.length ? ofTeam : [soloNetwork(own, instance)];
  // an admin-allowed network named by the template: made with this control plane's labels if missing, never removed by it
  return [{ name: templateNetwork, managed: false, internal: false, options: {}, labels: own, aliases: [agentName], identity: [] }, ...ofTeam];
}

/**
 * Places a built, policy-checked spec: its networks, the `sacp.team` label, and the
 * team's shared volume at /team (unless the template mounts something there already).
 */
export function placeAgent(spec: ContainerSpec, agentName: string, team: TeamPlacement | null, own: Record<string, string>, instance: string): Placement {
  const networks = wantedNetworks(spec.networkMode, agentName, team, own, instance);
  const labels = team ? { ...spec.labels, [Labels.team]: team.name } : spec.labels;
  const volume = team?.sharedVolume && !spec.mounts.some((m) => m.target === TEAM_SHARED_TARGET) ? teamVolume(own, instance, team.name) : null;
  const mounts: ContainerMount[] = volume
    ? [...spec.mounts, { type: 'volume', source: volume.name, target: TEAM_SHARED_TARGET, readOnly: false, volume: TEAM_SHARED_VOLUME }]
    : spec.mounts;
  const first = networks[0];
  return {
    spec: { ...spec, labels, mounts, networkMode: first?.name ?? 'none', ...(first?.aliases.length ? { networkAliases: first.aliases } : {}) },
    networks,
    teamVolume: volume,
  };
}

/** What to change on a running container: networks to join (wanted, missing) and to leave (on it, not wanted). */
export function networkChanges(current: string[], wanted: WantedNetwork[]): { connect: WantedNetwork[]; disconnect: string[] } {
  const want = new Set(wanted.map((n) => n.name));
  return { connect: wanted.filter((n) => !current.includes(n.name)), disconnect: current.filter((n) => !want.has(n)) };
}

/**
 * A control-plane network nothing needs any more: a team network whose team is gone or
 * now has the other egress setting. The caller removes it only when no container is on it.
 */
export function networkUnwanted(labels: Record<string, string>, name: string, instance: string, team: { exists: boolean; egress: boolean } | null): boolean {
  if (labels[Labels.network] !== NETWORK_KIND.team) return false;
  const teamName = labels[Labels.team];
  if (!teamName || !team || !team.exists) return true;
  return name !== teamNetworkName(instance, teamName, team.egress);
}
