import type { ContainerSpec } from '@sacp/domain';
import type { ContainerHealthDetail, ContainerStats } from './container-stats';
import type { ContainerSummary } from './container-summary';
import { DockerApi } from './docker-api';
import { createDockerClient, pingDocker, type DockerClient } from './docker-connection';
import { DockerContainers, type ContainerBrief, type CreatedContainer, type LabelSelector } from './docker-containers';
import type { DockerEvent } from './docker-event';
import { readDockerEvents, type DockerEventsOptions } from './docker-events';
import { DockerImages } from './docker-images';
import type { LogLine } from './docker-log-lines';
import { DockerLogs, type FollowLogsOptions } from './docker-logs';
import { inspectNetworkGateway } from './docker-network-gateway';
import { DockerNetworks, type NetworkSummary } from './docker-networks';
import { DockerVolumes, type VolumeInfo, type VolumeSummary, type VolumeUsage } from './docker-volumes';

/**
 * Every Docker side effect of the control plane, behind one small class. Methods
 * are idempotent where the orchestrator's reconcile loop needs them to be (create by
 * deterministic name, start, stop, remove, ensure*), and all failures are typed
 * DockerErrors (see docker.errors.ts). The work is done by one part per kind of
 * object: containers, logs, events, networks, volumes, images and the host.
 */
export class DockerDriver {
  private readonly docker: DockerApi;
  private readonly containers: DockerContainers;
  private readonly logs: DockerLogs;
  private readonly networks: DockerNetworks;
  private readonly volumes: DockerVolumes;
  private readonly images: DockerImages;

  constructor(private readonly client: DockerClient) {
    this.docker = new DockerApi(client);
    this.containers = new DockerContainers(this.docker);
    this.logs = new DockerLogs(this.docker);
    this.networks = new DockerNetworks(this.docker);
    this.volumes = new DockerVolumes(this.docker);
    this.images = new DockerImages(this.docker);
  }

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
  createContainer(spec: ContainerSpec): Promise<CreatedContainer> {
    return this.containers.create(spec);
  }

  /** Starting a running container is a no-op. */
  start(id: string): Promise<void> {
    return this.containers.start(id);
  }

  /** SIGTERM (or the image's stop signal), then SIGKILL after `timeoutSeconds`. Stopping a stopped container is a no-op. */
  stop(id: string, timeoutSeconds: number): Promise<void> {
    return this.containers.stop(id, timeoutSeconds);
  }

  restart(id: string, timeoutSeconds: number): Promise<void> {
    return this.containers.restart(id, timeoutSeconds);
  }

  /**
   * Removes the container and its anonymous volumes (named volumes stay). A missing
   * container, or one already being removed, is not an error.
   */
  remove(id: string, options: { force: boolean } = { force: false }): Promise<void> {
    return this.containers.remove(id, options);
  }

  /** Docker cannot change a container's labels; a new name is how a container is marked after it was made. */
  rename(id: string, name: string): Promise<void> {
    return this.containers.rename(id, name);
  }

  /** By id or name; null when there is no such container. */
  inspect(id: string): Promise<ContainerSummary | null> {
    return this.containers.inspect(id);
  }

  /**
   * One reading of the container's resource counters. `oneShot` (the default) answers
   * at once without Docker's own previous reading, so `cpuPercent` is null and the
   * caller turns two readings of `cpuUsageNanos` into a share; without it Docker
   * waits about a second to take two readings itself. Null when there is no such container.
   */
  stats(id: string, options: { oneShot?: boolean } = {}): Promise<ContainerStats | null> {
    return this.containers.stats(id, options);
  }

  /**
   * The HEALTHCHECK state with its latest output; null when the container has no
   * healthcheck, does not exist, or is not running (a stopping or removed container's
   * last health is no verdict on the agent: its exit or removal is).
   */
  health(id: string): Promise<ContainerHealthDetail | null> {
    return this.containers.health(id);
  }

  /** The host address a container port is published on, or null when it is not published (or the container is gone). */
  publishedPort(id: string, containerPort: number, protocol: 'tcp' | 'udp' = 'tcp'): Promise<{ hostIp: string; hostPort: number } | null> {
    return this.containers.publishedPort(id, containerPort, protocol);
  }

  /** All containers (running or not) carrying every given label. */
  listByLabels(labels: LabelSelector): Promise<ContainerSummary[]> {
    return this.containers.listByLabels(labels);
  }

  /** Containers carrying every given label, as the list endpoint has them (no inspect: cheap to poll). */
  listBriefByLabels(labels: LabelSelector): Promise<ContainerBrief[]> {
    return this.containers.listBriefByLabels(labels);
  }

  /** The last `lines` log lines, stdout and stderr interleaved as Docker stored them. */
  logsTail(id: string, lines: number): Promise<LogLine[]> {
    return this.logs.tail(id, lines);
  }

  /**
   * Live log lines. Ends when the container stops (Docker closes the stream) or
   * when `signal` aborts; aborting is a normal end, not an error.
   */
  followLogs(id: string, options: FollowLogsOptions): AsyncGenerator<LogLine, void, undefined> {
    return this.logs.follow(id, options);
  }

  /**
   * Existing log lines as a stream (no follow): the last `tail` lines, only those at
   * or after `sinceNanos` (nanoseconds since the epoch, as a string). Unlike logsTail
   * nothing is buffered whole: the caller takes what it needs and aborts `signal`.
   */
  readLogs(id: string, options: { tail?: number; sinceNanos?: string; signal: AbortSignal }): AsyncGenerator<LogLine, void, undefined> {
    return this.logs.read(id, options);
  }

  /** Docker's event stream, parsed. A hint to re-read state, never the state itself. */
  events(options: DockerEventsOptions): AsyncGenerator<DockerEvent, void, undefined> {
    return readDockerEvents(this.docker, options);
  }

  /** Returns the network with this name, creating it (bridge driver) when missing; concurrent callers end up with one. */
  ensureNetwork(name: string, labels: Record<string, string>): Promise<NetworkSummary> {
    return this.networks.ensure(name, labels);
  }

  /** The network's IPv4 gateway (the host's address on its bridge); null when there is no such network. */
  networkGateway(name: string): Promise<string | null> {
    return inspectNetworkGateway(this.docker, name);
  }

  /** Removes every network with exactly this name; none is fine. Fails if containers are still attached. */
  removeNetwork(name: string): Promise<void> {
    return this.networks.remove(name);
  }

  /** Returns the named volume, creating it (local driver) when missing. */
  ensureVolume(name: string, labels: Record<string, string>): Promise<VolumeSummary> {
    return this.volumes.ensure(name, labels);
  }

  /** Missing is fine; a volume in use by a container is an error. */
  removeVolume(name: string): Promise<void> {
    return this.volumes.remove(name);
  }

  /** Volumes carrying these labels. */
  listVolumes(labels: LabelSelector): Promise<VolumeInfo[]> {
    return this.volumes.list(labels);
  }

  /** One volume's name and labels; null when there is none. */
  inspectVolume(name: string): Promise<Omit<VolumeSummary, 'created'> | null> {
    return this.volumes.get(name);
  }

  /** The containers (running or not) that mount this volume, by name. */
  volumeUsers(name: string): Promise<string[]> {
    return this.volumes.usedBy(name);
  }

  /** Every volume's size and reference count from Docker's disk-usage report: slow, cache it. */
  volumeUsage(): Promise<Map<string, VolumeUsage>> {
    return this.volumes.usage();
  }

  imageExists(image: string): Promise<boolean> {
    return this.images.exists(image);
  }

  /** The image's USER ('' when it sets none, i.e. root); undefined when the image is not here. */
  imageUser(image: string): Promise<string | undefined> {
    return this.images.user(image);
  }

  /** The Docker host's memory and CPU count: no container can use more. */
  hostSize(): Promise<{ memoryBytes: number; cpus: number }> {
    return this.images.hostSize();
  }
}
