import type Docker from 'dockerode';

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
export type ContainerHealth = 'starting' | 'healthy' | 'unhealthy';

/** What the control plane needs to know about one container, as plain data. */
export interface ContainerSummary {
  id: string;
  /** without Docker's leading "/" */
  name: string;
  /** the image reference the container was created from, e.g. sacp/sim-agent:latest */
  image: string;
  labels: Record<string, string>;
  state: ContainerState;
  running: boolean;
  /** set once the container has exited (state exited or dead), otherwise null */
  exitCode: number | null;
  oomKilled: boolean;
  /** ISO timestamps; null when the container never started / never finished */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** present only when the container has a healthcheck */
  health?: ContainerHealth;
  /** the networks it is on, each with its IPv4 address there ('' when it has none yet) */
  networks: Record<string, string>;
}

const STATES: ReadonlySet<string> = new Set(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);
const HEALTH: ReadonlySet<string> = new Set(['starting', 'healthy', 'unhealthy']);

export function toContainerSummary(info: Docker.ContainerInspectInfo): ContainerSummary {
  const state = STATES.has(info.State.Status) ? (info.State.Status as ContainerState) : 'dead';
  const healthStatus = info.State.Health?.Status;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    labels: { ...(info.Config.Labels ?? {}) },
    state,
    running: info.State.Running,
    exitCode: state === 'exited' || state === 'dead' ? info.State.ExitCode : null,
    oomKilled: info.State.OOMKilled,
    createdAt: info.Created,
    startedAt: dockerTime(info.State.StartedAt),
    finishedAt: dockerTime(info.State.FinishedAt),
    ...(healthStatus && HEALTH.has(healthStatus) ? { health: healthStatus as ContainerHealth } : {}),
    networks: Object.fromEntries(Object.entries(info.NetworkSettings?.Networks ?? {}).map(([name, n]) => [name, n?.IPAddress ?? ''])),
  };
}

/** Docker reports "never" as the zero time 0001-01-01T00:00:00Z. */
function dockerTime(value: string | undefined): string | null {
  if (!value || value.startsWith('0001-01-01')) return null;
  return value;
}
