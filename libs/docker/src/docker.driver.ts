import { setTimeout as delay } from 'node:timers/promises';
import type Docker from 'dockerode';
import type { ContainerSpec } from '@sacp/domain';
import { toCreateOptions } from './container-spec.to-create-options';
import { toContainerStats, toHealthDetail, type ContainerHealthDetail, type ContainerStats } from './container-stats';
import { toContainerSummary, type ContainerSummary } from './container-summary';
import { createDockerClient, pingDocker, type DockerClient } from './docker-connection';
import { dockerMessage, dockerStatusCode, toDockerError } from './docker-error.map';
import { DockerEventDecoder, type DockerEvent } from './docker-event';
import { LogLineDecoder, type LogLine } from './docker-log-lines';
import { toDockerSince } from './docker-since';
import { DockerContainerNotFoundError } from './docker.errors';

export interface CreatedContainer {
  id: string;
  name: string;
  /** false when a container with this name already existed and was returned as is */
  created: boolean;
}

export interface NetworkSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
  created: boolean;
}

export interface VolumeSummary {
  name: string;
  labels: Record<string, string>;
  /** best effort: Docker answers a create of an existing name with the existing volume */
  created: boolean;
}

/** label key → exact value, or `true` for "has this label, any value" */
export type LabelSelector = Record<string, string | true>;

export interface FollowLogsOptions {
  /** only entries at or after this time */
  since?: Date;
  /** start with the last N existing lines (default: all) */
  tail?: number;
  signal: AbortSignal;
}

export interface DockerEventsOptions {
  /** Docker event filters, e.g. { type: ['container'], label: ['sacp.managed=true'] } */
  filters?: Record<string, string[]>;
  /** replay from a time, or from a DockerEvent.timeNano to resume */
  since?: Date | string;
  signal: AbortSignal;
}

const INSPECT_CONCURRENCY = 8;
const CREATE_CONFLICT_ATTEMPTS = 8;

/**
 * Every Docker side effect of the control plane, behind one small class. Methods
 * are idempotent where the orchestrator's reconcile loop needs them to be (create by
 * deterministic name, start, stop, remove, ensure*), and all failures are typed
 * DockerErrors (see docker.errors.ts).
 */
export class DockerDriver {
  constructor(private readonly client: DockerClient) {}

  /** `dockerHost` is a DOCKER_HOST-style value read by the app's config. */
  static connect(dockerHost?: string): DockerDriver {
    return new DockerDriver(createDockerClient(dockerHost));
  }

  get endpoint(): string {
    return this.client.endpoint;
  }

  ping(timeoutMs?: number): Promise<void> {
    return pingDocker(this.client, timeoutMs);
  }

  /**
   * Creates the container, or returns the one that already has this name: names are
   * deterministic, so Docker's name uniqueness is what stops two replicas (or a
   * retry after a crash) from creating a duplicate.
   */
  async createContainer(spec: ContainerSpec): Promise<CreatedContainer> {
    const options = toCreateOptions(spec);
    const context = { operation: 'create container', target: spec.name, image: spec.image };
    // After a 409 the other container may not be inspectable yet (Docker reserves the
    // name before it registers the container), or may vanish (another replica
    // removing it; then creating again is right). So retry briefly, bounded.
    for (let attempt = 1; ; attempt++) {
      try {
        const container = await this.api.createContainer(options);
        return { id: container.id, name: spec.name, created: true };
      } catch (error) {
        if (dockerStatusCode(error) !== 409 || attempt >= CREATE_CONFLICT_ATTEMPTS) throw this.fail(error, context);
      }
      const existing = await this.inspect(spec.name);
      if (existing && existing.name === spec.name) return { id: existing.id, name: existing.name, created: false };
      await delay(Math.min(25 * 2 ** attempt, 500));
    }
  }

  /** Starting a running container is a no-op. */
  async start(id: string): Promise<void> {
    try {
      await this.api.getContainer(id).start();
    } catch (error) {
      if (dockerStatusCode(error) === 304) return;
      throw this.fail(error, { operation: 'start container', target: id });
    }
  }

  /** SIGTERM (or the image's stop signal), then SIGKILL after `timeoutSeconds`. Stopping a stopped container is a no-op. */
  async stop(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.api.getContainer(id).stop({ t: timeoutSeconds });
    } catch (error) {
      if (dockerStatusCode(error) === 304) return;
      throw this.fail(error, { operation: 'stop container', target: id });
    }
  }

  async restart(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.api.getContainer(id).restart({ t: timeoutSeconds });
    } catch (error) {
      throw this.fail(error, { operation: 'restart container', target: id });
    }
  }

  /**
   * Removes the container and its anonymous volumes (named volumes stay). A missing
   * container, or one already being removed, is not an error.
   */
  async remove(id: string, options: { force: boolean } = { force: false }): Promise<void> {
    try {
      await this.api.getContainer(id).remove({ force: options.force, v: true });
    } catch (error) {
      const status = dockerStatusCode(error);
      if (status === 404) return;
      if (status === 409 && /already in progress/i.test(dockerMessage(error))) return;
      throw this.fail(error, { operation: 'remove container', target: id });
    }
  }

  /** Docker cannot change a container's labels; a new name is how a container is marked after it was made. */
  async rename(id: string, name: string): Promise<void> {
    try {
      await this.api.getContainer(id).rename({ name });
    } catch (error) {
      throw this.fail(error, { operation: 'rename container', target: id });
    }
  }

  /** By id or name; null when there is no such container. */
  async inspect(id: string): Promise<ContainerSummary | null> {
    const info = await this.inspectRaw(id, 'inspect container');
    return info ? toContainerSummary(info) : null;
  }

  /**
   * One reading of the container's resource counters. `oneShot` (the default) answers
   * at once without Docker's own previous reading, so `cpuPercent` is null and the
   * caller turns two readings of `cpuUsageNanos` into a share; without it Docker
   * waits about a second to take two readings itself. Null when there is no such container.
   */
  async stats(id: string, options: { oneShot?: boolean } = {}): Promise<ContainerStats | null> {
    try {
      const raw = await this.api.getContainer(id).stats({ stream: false, 'one-shot': options.oneShot ?? true });
      return toContainerStats(raw);
    } catch (error) {
      if (dockerStatusCode(error) === 404) return null;
      throw this.fail(error, { operation: 'read stats of container', target: id });
    }
  }

  /**
   * The HEALTHCHECK state with its latest output; null when the container has no
   * healthcheck, does not exist, or is not running (a stopping or removed container's
   * last health is no verdict on the agent: its exit or removal is).
   */
  async health(id: string): Promise<ContainerHealthDetail | null> {
    const info = await this.inspectRaw(id, 'inspect health of container');
    const state = info?.State as { Running?: boolean; Restarting?: boolean; Status?: string } | undefined;
    if (!info || state?.Running !== true || state.Restarting === true || state.Status === 'removing') return null;
    return toHealthDetail(info);
  }

  /** The host address a container port is published on, or null when it is not published (or the container is gone). */
  async publishedPort(id: string, containerPort: number, protocol: 'tcp' | 'udp' = 'tcp'): Promise<{ hostIp: string; hostPort: number } | null> {
    const info = await this.inspectRaw(id, 'inspect ports of container');
    const bindings = (info?.NetworkSettings?.Ports as Record<string, Array<{ HostIp: string; HostPort: string }> | null> | undefined)?.[`${containerPort}/${protocol}`];
    const b = bindings?.find((x) => x.HostPort) ?? null;
    return b ? { hostIp: b.HostIp || '0.0.0.0', hostPort: Number(b.HostPort) } : null;
  }

  /** All containers (running or not) carrying every given label. */
  async listByLabels(labels: LabelSelector): Promise<ContainerSummary[]> {
    const filter = Object.entries(labels).map(([key, value]) => (value === true ? key : `${key}=${value}`));
    let listed: Docker.ContainerInfo[];
    try {
      listed = await this.api.listContainers({ all: true, filters: { label: filter } });
    } catch (error) {
      throw this.fail(error, { operation: 'list containers', target: `with labels ${filter.join(',')}` });
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

  /** The last `lines` log lines, stdout and stderr interleaved as Docker stored them. */
  async logsTail(id: string, lines: number): Promise<LogLine[]> {
    const tty = await this.hasTty(id, 'read logs of');
    let body: Buffer;
    try {
      const data: unknown = await this.api.getContainer(id).logs({ stdout: true, stderr: true, timestamps: true, follow: false, tail: Math.max(0, Math.floor(lines)) });
      body = Buffer.isBuffer(data) ? data : Buffer.from(typeof data === 'string' ? data : JSON.stringify(data));
    } catch (error) {
      throw this.fail(error, { operation: 'read logs of container', target: id });
    }
    const decoder = new LogLineDecoder(tty);
    return [...decoder.push(body), ...decoder.end()];
  }

  /**
   * Live log lines. Ends when the container stops (Docker closes the stream) or
   * when `signal` aborts; aborting is a normal end, not an error.
   */
  async *followLogs(id: string, options: FollowLogsOptions): AsyncGenerator<LogLine, void, undefined> {
    const { signal } = options;
    if (signal.aborted) return;
    const tty = await this.hasTty(id, 'follow logs of');
    const query: Docker.ContainerLogsOptions & { follow: true } = {
      follow: true,
      stdout: true,
      stderr: true,
      timestamps: true,
      abortSignal: signal,
      ...(options.tail !== undefined ? { tail: options.tail } : {}),
    };
    if (options.since) (query as { since?: string }).since = toDockerSince(options.since);

    const decoder = new LogLineDecoder(tty);
    yield* this.readStream(
      () => this.api.getContainer(id).logs(query),
      signal,
      (chunk) => decoder.push(chunk),
      () => decoder.end(),
      { operation: 'follow logs of container', target: id },
    );
  }

  /**
   * Existing log lines as a stream (no follow): the last `tail` lines, only those at
   * or after `sinceNanos` (nanoseconds since the epoch, as a string). Unlike logsTail
   * nothing is buffered whole: the caller takes what it needs and aborts `signal`.
   */
  async *readLogs(id: string, options: { tail?: number; sinceNanos?: string; signal: AbortSignal }): AsyncGenerator<LogLine, void, undefined> {
    const { signal } = options;
    if (signal.aborted) return;
    const tty = await this.hasTty(id, 'read logs of');
    const query: Record<string, unknown> = { follow: false, stdout: true, stderr: true, timestamps: true };
    if (options.tail !== undefined) query.tail = Math.max(0, Math.floor(options.tail));
    if (options.sinceNanos) query.since = toDockerSince(options.sinceNanos);
    const modem = (this.api as unknown as { modem: { dial: (o: unknown, cb: (err: unknown, stream: NodeJS.ReadableStream) => void) => void } }).modem;
    const decoder = new LogLineDecoder(tty);
    yield* this.readStream(
      () =>
        new Promise<NodeJS.ReadableStream>((resolve, reject) =>
          modem.dial(
            {
              path: `/containers/${id}/logs?`,
              method: 'GET',
              abortSignal: signal,
              isStream: true, // dockerode buffers the whole body when follow is false; this streams it
              statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
              options: query,
            },
            (err, stream) => (err ? reject(err instanceof Error ? err : new Error('docker logs request failed', { cause: err })) : resolve(stream)),
          ),
        ),
      signal,
      (chunk) => decoder.push(chunk),
      () => decoder.end(),
      { operation: 'read logs of container', target: id },
    );
  }

  /** Docker's event stream, parsed. A hint to re-read state, never the state itself. */
  async *events(options: DockerEventsOptions): AsyncGenerator<DockerEvent, void, undefined> {
    const { signal } = options;
    if (signal.aborted) return;
    const query: Record<string, unknown> = { abortSignal: signal };
    if (options.filters) query.filters = options.filters;
    if (options.since !== undefined) query.since = toDockerSince(options.since);

    const decoder = new DockerEventDecoder();
    yield* this.readStream(
      () => this.api.getEvents(query as Docker.GetEventsOptions),
      signal,
      (chunk) => decoder.push(chunk),
      () => [],
      { operation: 'read events' },
    );
  }

  /**
   * Returns the network with this name, creating it (bridge driver) when missing.
   * Docker does not enforce unique network names (CheckDuplicate is best effort), so
   * concurrent callers may each create one; afterwards every caller picks the oldest
   * as the winner and removes only the duplicate it created itself.
   */
  async ensureNetwork(name: string, labels: Record<string, string>): Promise<NetworkSummary> {
    const existing = await this.findNetworks(name);
    if (existing[0]) return { ...existing[0], created: false };
    let id: string;
    try {
      ({ id } = await this.api.createNetwork({ Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true }));
    } catch (error) {
      const raced = dockerStatusCode(error) === 409 ? await this.findNetworks(name) : [];
      if (raced[0]) return { ...raced[0], created: false };
      throw this.fail(error, { operation: 'create network', target: name });
    }
    const [winner] = await this.findNetworks(name);
    if (!winner || winner.id === id) return { id, name, labels: { ...labels }, created: true };
    await this.removeNetworkById(id, name);
    return { ...winner, created: false };
  }

  /** Removes every network with exactly this name; none is fine. Fails if containers are still attached. */
  async removeNetwork(name: string): Promise<void> {
    for (const network of await this.findNetworks(name)) await this.removeNetworkById(network.id, name);
  }

  /** Returns the named volume, creating it (local driver) when missing. */
  async ensureVolume(name: string, labels: Record<string, string>): Promise<VolumeSummary> {
    const existing = await this.inspectVolume(name);
    if (existing) return { ...existing, created: false };
    try {
      const volume = (await this.api.createVolume({ Name: name, Driver: 'local', Labels: labels })) as unknown as {
        Name?: string;
        Labels?: Record<string, string> | null;
      };
      return { name: volume.Name ?? name, labels: { ...(volume.Labels ?? labels) }, created: true };
    } catch (error) {
      throw this.fail(error, { operation: 'create volume', target: name });
    }
  }

  /** Missing is fine; a volume in use by a container is an error. */
  async removeVolume(name: string): Promise<void> {
    try {
      await this.api.getVolume(name).remove();
    } catch (error) {
      if (dockerStatusCode(error) === 404) return;
      throw this.fail(error, { operation: 'remove volume', target: name });
    }
  }

  async imageExists(image: string): Promise<boolean> {
    try {
      await this.api.getImage(image).inspect();
      return true;
    } catch (error) {
      if (dockerStatusCode(error) === 404) return false;
      throw this.fail(error, { operation: 'inspect image', target: image });
    }
  }

  /** The Docker host's memory and CPU count: no container can use more. */
  async hostSize(): Promise<{ memoryBytes: number; cpus: number }> {
    try {
      const info = (await this.api.info()) as { MemTotal?: number; NCPU?: number };
      return { memoryBytes: Number(info.MemTotal) || Number.POSITIVE_INFINITY, cpus: Number(info.NCPU) || Number.POSITIVE_INFINITY };
    } catch (error) {
      throw this.fail(error, { operation: 'read the host size' });
    }
  }

  /** The image's USER ('' when it sets none, i.e. root); undefined when the image is not here. */
  async imageUser(image: string): Promise<string | undefined> {
    try {
      const info = await this.api.getImage(image).inspect();
      return info.Config?.User ?? '';
    } catch (error) {
      if (dockerStatusCode(error) === 404) return undefined;
      throw this.fail(error, { operation: 'inspect image', target: image });
    }
  }

  private get api(): Docker {
    return this.client.api;
  }

  private fail(error: unknown, context: { operation: string; target?: string; image?: string }) {
    return toDockerError(error, { endpoint: this.client.endpoint, ...context });
  }

  private async inspectRaw(id: string, operation: string): Promise<Docker.ContainerInspectInfo | null> {
    try {
      return await this.api.getContainer(id).inspect();
    } catch (error) {
      if (dockerStatusCode(error) === 404) return null;
      throw this.fail(error, { operation, target: id });
    }
  }

  /** Log framing depends on whether the container has a TTY. */
  private async hasTty(id: string, verb: string): Promise<boolean> {
    const info = await this.inspectRaw(id, `${verb} container`);
    if (!info) throw new DockerContainerNotFoundError(id, { operation: `${verb} container` });
    return info.Config.Tty === true;
  }

  /** Networks named exactly `name` (Docker's name filter also matches substrings), oldest first. */
  private async findNetworks(name: string): Promise<Array<Omit<NetworkSummary, 'created'>>> {
    let listed: Docker.NetworkInspectInfo[];
    try {
      listed = await this.api.listNetworks({ filters: { name: [name] } });
    } catch (error) {
      throw this.fail(error, { operation: 'list networks', target: name });
    }
    return listed
      .filter((network) => network.Name === name)
      .sort((a, b) => compareBigInt(rfc3339Nanos(a.Created), rfc3339Nanos(b.Created)) || a.Id.localeCompare(b.Id))
      .map((network) => ({ id: network.Id, name: network.Name, labels: { ...(network.Labels ?? {}) } }));
  }

  private async removeNetworkById(id: string, name: string): Promise<void> {
    try {
      await this.api.getNetwork(id).remove();
    } catch (error) {
      if (dockerStatusCode(error) === 404) return;
      throw this.fail(error, { operation: 'remove network', target: name });
    }
  }

  private async inspectVolume(name: string): Promise<Omit<VolumeSummary, 'created'> | null> {
    try {
      const info = (await this.api.getVolume(name).inspect()) as { Name: string; Labels?: Record<string, string> | null };
      return { name: info.Name, labels: { ...(info.Labels ?? {}) } };
    } catch (error) {
      if (dockerStatusCode(error) === 404) return null;
      throw this.fail(error, { operation: 'inspect volume', target: name });
    }
  }

  /**
   * Reads a streaming response chunk by chunk. The stream is destroyed when the
   * consumer stops early or the signal aborts; an abort ends the iteration quietly.
   */
  private async *readStream<T>(
    open: () => Promise<NodeJS.ReadableStream>,
    signal: AbortSignal,
    decode: (chunk: Buffer) => T[],
    flush: () => T[],
    context: { operation: string; target?: string },
  ): AsyncGenerator<T, void, undefined> {
    let stream: NodeJS.ReadableStream & { destroy?: (error?: Error) => void };
    try {
      stream = await open();
    } catch (error) {
      if (signal.aborted) return;
      throw this.fail(error, context);
    }
    const onAbort = () => stream.destroy?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const chunk of stream) {
        if (signal.aborted) return;
        yield* decode(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      }
      if (!signal.aborted) yield* flush();
    } catch (error) {
      if (signal.aborted) return;
      throw this.fail(error, context);
    } finally {
      signal.removeEventListener('abort', onAbort);
      stream.destroy?.();
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
