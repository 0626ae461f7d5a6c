import type Docker from 'dockerode';
import type { DockerApi } from './docker-api';
import { dockerStatusCode } from './docker-error.map';

/** What the agent bus gateway needs to know of a network its agents use. */
export interface NetworkGateway {
  name: string;
  driver: string;
  /** the host's IPv4 address on the network (its bridge), which containers on it can reach */
  gatewayIp: string | null;
  internal: boolean;
}

/** A network's IPv4 gateway by name or id; null when Docker has no such network. */
export async function inspectNetworkGateway(docker: DockerApi, name: string): Promise<NetworkGateway | null> {
  let info: Docker.NetworkInspectInfo;
  try {
    info = await docker.api.getNetwork(name).inspect();
  } catch (error) {
    if (dockerStatusCode(error) === 404) return null;
    throw docker.fail(error, { operation: 'inspect network', target: name });
  }
  const ipv4 = (info.IPAM?.Config ?? []).map((c) => c.Gateway).find((g): g is string => !!g && /^\d+\.\d+\.\d+\.\d+$/.test(g));
  return { name: info.Name, driver: info.Driver, gatewayIp: ipv4 ?? null, internal: info.Internal };
}
