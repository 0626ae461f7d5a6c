import { setTimeout as delay } from 'node:timers/promises';
import type Docker from 'dockerode';
import type { ContainerSpec } from '@sacp/domain';
import type { DockerApi } from './docker-api';
import { toCreateOptions } from './container-spec.to-create-options';
import { toContainerStats, toHealthDetail, type ContainerHealthDetail, type ContainerStats } from './container-stats';
import { toContainerSummary, type ContainerSummary } from './container-summary';
import { dockerMessage, dockerStatusCode } from './docker-error.map';

export interface CreatedContainer {
  id: string;
  name: string;
  /** false when a container with this name already existed and was returned as is */
  created: boolean;
}

/** What Docker's list endpoint says of a container, without inspecting it. */
export interface ContainerBrief {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** created | running | paused | restarting | removing | exited | dead */
  state: string;
  running: boolean;
}

/** label key → exact value, or `true` for "has this label, any value" */
export type LabelSelector = Record<string, string | true>;

const INSPECT_CONCURRENCY = 8;
const CREATE_CONFLICT_ATTEMPTS = 8;

/** Containers: their lifecycle, idempotent where the reconcile loop needs it, and what can be read of them. */
export class DockerContainers {
  constructor(private readonly docker: DockerApi) {}

  async create(spec: ContainerSpec): Promise<CreatedContainer> {
    const options = toCreateOptions(spec);
    const context = { operation: 'create container', target: spec.name, image: spec.image };
    // After a 409 the other container may not be inspectable yet (Docker reserves the
    // name before it registers the container), or may vanish (another replica
    // removing it; then creating again is right). So retry briefly, bounded.
    for (let attempt = 1; ; attempt++) {
      try {
        const container = await this.docker.api.createContainer(options);
        return { id: container.id, name: spec.name, created: true };
      } catch (error) {
        if (dockerStatusCode(error) !== 409 || attempt >= CREATE_CONFLICT_ATTEMPTS) throw this.docker.fail(error, context);
      }
      const existing = await this.inspect(spec.name);
      if (existing && existing.name === spec.name) return { id: existing.id, name: existing.name, created: false };
      await delay(Math.min(25 * 2 ** attempt, 500));
    }
  }

  async start(id: string): Promise<void> {
    try {
      await this.container(id).start();
    } catch (error) {
      if (dockerStatusCode(error) === 304) return; // already running
      throw this.docker.fail(error, { operation: 'start container', target: id });
    }
  }

  async stop(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.container(id).stop({ t: timeoutSeconds });
    } catch (error) {
      if (dockerStatusCode(error) === 304) return; // already stopped
      throw this.docker.fail(error, { operation: 'stop container', target: id });
    }
  }

  async restart(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.container(id).restart({ t: timeoutSeconds });
    } catch (error) {
      throw this.docker.fail(error, { operation: 'restart container', target: id });
    }
  }

  async remove(id: string, options: { force: boolean }): Promise<void> {
    try {
      await this.container(id).remove({ force: options.force, v: true });
    } catch (error) {
      const status = dockerStatusCode(error);
      if (status === 404) return;
      if (status === 409 && /already in progress/i.test(dockerMessage(error))) return;
      throw this.docker.fail(error, { operation: 'remove container', target: id });
    }
  }

  async rename(id: string, name: string): Promise<void> {
    try {
      await this.container(id).rename({ name });
    } catch (error) {
      throw this.docker.fail(error, { operation: 'rename container', target: id });
    }
  }

  async inspect(id: string): Promise<ContainerSummary | null> {
    const info = await this.docker.inspectRaw(id, 'inspect container');
    return info ? toContainerSummary(info) : null;
  }

  async stats(id: string, options: { oneShot?: boolean }): Promise<ContainerStats | null> {
    try {
      const raw = await this.container(id).stats({ stream: false, 'one-shot': options.oneShot ?? true });
      return toContainerStats(raw);
    } catch (error) {
      if (dockerStatusCode(error) === 404) return null;
      throw this.docker.fail(error, { operation: 'read stats of container', target: id });
    }
  }

  async health(id: string): Promise<ContainerHealthDetail | null> {
    const info = await this.docker.inspectRaw(id, 'inspect health of container');
    const state = info?.State as { Running?: boolean; Restarting?: boolean; Status?: string } | undefined;
    if (!info || state?.Running !== true || state.Restarting === true || state.Status === 'removing') return null;
    return toHealthDetail(info);
  }

  async publishedPort(id: string, containerPort: number, protocol: 'tcp' | 'udp'): Promise<{ hostIp: string; hostPort: number } | null> {
    const info = await this.docker.inspectRaw(id, 'inspect ports of container');
    const bindings = (info?.NetworkSettings?.Ports as Record<string, Array<{ HostIp: string; HostPort: string }> | null> | undefined)?.[`${containerPort}/${protocol}`];
    const b = bindings?.find((x) => x.HostPort) ?? null;
    return b ? { hostIp: b.HostIp || '0.0.0.0', hostPort: Number(b.HostPort) } : null;
  }

  async listByLabels(labels: LabelSelector): Promise<ContainerSummary[]> {
    const filter = Object.entries(labels).map(([key, value]) => (value === true ? key : `${key}=${value}`));
    let listed: Docker.ContainerInfo[];
    try {
      listed = await this.docker.api.listContainers({ all: true, filters: { label: filter } });
    } catch (error) {
      throw this.docker.fail(error, { operation: 'list containers', target: `with labels ${filter.join(',')}` });
    }
    // The list endpoint lacks exit code, OOM and health, so inspect each; a container
    // removed in between is simply gone.
    const summaries: ContainerSummary[] = [];
    for (let i = 0; i < listed.length; i += INSPECT_CONCURRENCY) {
      const batch = await Promise.all(listed.slice(i, i + INSPECT_CONCURRENCY).map((c) => this.inspect(c.Id)));
      for (const summary of batch) if (summary) summaries.push(summary);
    }
    return summaries;
  }

  /** The list endpoint alone (no inspect per container): cheap enough to poll. */
  async listBriefByLabels(labels: LabelSelector): Promise<ContainerBrief[]> {
    const filter = Object.entries(labels).map(([key, value]) => (value === true ? key : `${key}=${value}`));
    try {
      const listed = await this.docker.api.listContainers({ all: true, filters: { label: filter } });
      return listed.map((c) => ({ id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, ''), labels: { ...(c.Labels ?? {}) }, state: c.State, running: c.State === 'running' }));
    } catch (error) {
      throw this.docker.fail(error, { operation: 'list containers', target: `with labels ${filter.join(',')}` });
    }
  }

  private container(id: string) {
    return this.docker.api.getContainer(id);
  }
}
