import type { DockerApi } from './docker-api';
import { dockerStatusCode } from './docker-error.map';

/** A network's IPv4 gateway by name or id (the host's address on its bridge); null when Docker has no such network. */
export async function inspectNetworkGateway(docker: DockerApi, name: string): Promise<string | null> {
  try {
    const info = await docker.api.getNetwork(name).inspect();
    return info.IPAM?.Config?.find((c) => c.Gateway && !c.Gateway.includes(':'))?.Gateway ?? null;
  } catch (error) {
    if (dockerStatusCode(error) === 404) return null;
    throw docker.fail(error, { operation: 'inspect network', target: name });
  }
}
