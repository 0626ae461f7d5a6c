import type Docker from 'dockerode';
import type { DockerApi } from './docker-api';
import { dockerMessage, dockerStatusCode } from './docker-error.map';

export interface NetworkSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** Docker's Internal: no traffic leaves the network's subnet */
  internal: boolean;
  created: boolean;
}

/** How a missing network is made: internal or not, and the bridge driver's options (e.g. enable_icc=false). */
export interface NetworkOptions {
  internal?: boolean;
  options?: Record<string, string>;
}

/**
 * Networks by name. Docker does not enforce unique network names (CheckDuplicate is
 * best effort), so concurrent callers may each create one; afterwards every caller
 * picks the oldest as the winner and removes only the duplicate it created itself.
 */
export class DockerNetworks {
  /** Callers in this process asking for the same name share one creation: only another process can race it. */
  private readonly inFlight = new Map<string, Promise<NetworkSummary>>();

  constructor(private readonly docker: DockerApi) {}

  async ensure(name: string, labels: Record<string, string>, how: NetworkOptions = {}): Promise<NetworkSummary> {
    const running = this.inFlight.get(name);
    if (running) return { ...(await running), created: false };
    const ensuring = this.ensureOnce(name, labels, how);
    this.inFlight.set(name, ensuring);
    try {
      return await ensuring;
    } finally {
      this.inFlight.delete(name);
    }
  }

  private async ensureOnce(name: string, labels: Record<string, string>, how: NetworkOptions): Promise<NetworkSummary> {
    const existing = await this.find(name);
    if (existing[0]) return { ...existing[0], created: false };
    let id: string;
    try {
      ({ id } = await this.docker.api.createNetwork({
        Name: name,
        Driver: 'bridge',
        Labels: labels,
        CheckDuplicate: true,
        Internal: how.internal === true,
        ...(how.options ? { Options: how.options } : {}),
      }));
    } catch (error) {
      const raced = dockerStatusCode(error) === 409 ? await this.find(name) : [];
      if (raced[0]) return { ...raced[0], created: false };
      throw this.docker.fail(error, { operation: 'create network', target: name });
    }
    const [winner] = await this.find(name);
    if (!winner || winner.id === id) return { id, name, labels: { ...labels }, internal: how.internal === true, created: true };
    await this.removeById(id, name);
    return { ...winner, created: false };
  }

  async remove(name: string): Promise<void> {
    for (const network of await this.find(name)) await this.removeById(network.id, name);
  }

  /** Networks named exactly `name` (Docker's name filter also matches substrings), oldest first. */
  private async find(name: string): Promise<Array<Omit<NetworkSummary, 'created'>>> {
    let listed: Docker.NetworkInspectInfo[];
    try {
      listed = await this.docker.api.listNetworks({ filters: { name: [name] } });
    } catch (error) {
      throw this.docker.fail(error, { operation: 'list networks', target: name });
    }
    return listed
      .filter((network) => network.Name === name)
      .sort((a, b) => compareBigInt(rfc3339Nanos(a.Created), rfc3339Nanos(b.Created)) || a.Id.localeCompare(b.Id))
      .map((network) => ({ id: network.Id, name: network.Name, labels: { ...(network.Labels ?? {}) }, internal: network.Internal === true }));
  }

  /** Joins a container to a network with DNS aliases; joining a network it is on already is a no-op. */
  async connect(name: string, containerId: string, aliases: string[]): Promise<void> {
    try {
      await this.docker.api.getNetwork(name).connect({ Container: containerId, EndpointConfig: { Aliases: aliases } });
    } catch (error) {
      if (/already exists/i.test(dockerMessage(error))) return;
      throw this.docker.fail(error, { operation: 'connect container to network', target: `${containerId} → ${name}` });
    }
  }

  /** Takes a container off a network; one that is not on it (or a network that is gone) is fine. */
  async disconnect(name: string, containerId: string): Promise<void> {
    try {
      await this.docker.api.getNetwork(name).disconnect({ Container: containerId, Force: true });
    } catch (error) {
      const status = dockerStatusCode(error);
      // Docker 20.10 answers 500 "is not connected" (newer engines 403)
      if (status === 404 || /is not connected/i.test(dockerMessage(error))) return;
      throw this.docker.fail(error, { operation: 'disconnect container from network', target: `${containerId} ← ${name}` });
    }
  }

  /** Networks carrying every given label, with the number of containers on each (an inspect each: Docker's list leaves them out). */
  async listByLabels(labels: Record<string, string>): Promise<Array<Omit<NetworkSummary, 'created'> & { containers: number }>> {
    const filter = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    let listed: Docker.NetworkInspectInfo[];
    try {
      listed = await this.docker.api.listNetworks({ filters: { label: filter } });
    } catch (error) {
      throw this.docker.fail(error, { operation: 'list networks', target: `with labels ${filter.join(',')}` });
    }
    const out: Array<Omit<NetworkSummary, 'created'> & { containers: number }> = [];
    for (const n of listed) {
      let info: Docker.NetworkInspectInfo;
      try {
        info = await this.docker.api.getNetwork(n.Id).inspect();
      } catch (error) {
        if (dockerStatusCode(error) === 404) continue;
        throw this.docker.fail(error, { operation: 'inspect network', target: n.Name });
      }
      out.push({ id: n.Id, name: n.Name, labels: { ...(n.Labels ?? {}) }, internal: n.Internal === true, containers: Object.keys(info.Containers ?? {}).length });
    }
    return out;
  }

  private async removeById(id: string, name: string): Promise<void> {
    try {
      await this.docker.api.getNetwork(id).remove();
    } catch (error) {
      if (dockerStatusCode(error) === 404) return;
      throw this.docker.fail(error, { operation: 'remove network', target: name });
    }
  }
}

/** Docker timestamps carry nanoseconds, which Date drops; compare them exactly. */
export function rfc3339Nanos(value: string): bigint {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!match) return 0n;
  const seconds = BigInt(Date.parse(`${match[1]}${match[3]}`) / 1000);
  return seconds * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0').slice(0, 9));
}

function compareBigInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
