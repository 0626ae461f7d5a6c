import { availableParallelism, totalmem } from 'node:os';
import { CONTROL_PLANE_PORTS, DEFAULT_POLICY, RUNTIME_SOCKETS, type ContainerPolicy, parseMemorySize } from '@sacp/domain';
import type { DockerDriver } from '@sacp/docker';
import { type JsonLogger, withRealPaths } from '@sacp/platform';
import { list, type OrchestratorConfig } from '../config';

const urlPorts = (urls: string, fallback: number): number[] =>
  urls.split(',').map((u) => {
    try {
      return Number(new URL(u.trim()).port) || fallback;
    } catch {
      return fallback;
    }
  });

/**
 * The container policy from the orchestrator's configuration and this host: allowed
 * paths and the runtime sockets as written and resolved; the control plane's own
 * ports (defaults and the configured ones) reserved; limits capped by the host's
 * memory and CPUs.
 */
export function containerPolicyFromConfig(config: OrchestratorConfig, host: HostSize = localHostSize()): ContainerPolicy {
  const [min, max] = config.SACP_HOST_PORT_RANGE.trim().split('-').map(Number) as [number, number];
  const dockerSocket = config.DOCKER_HOST?.startsWith('unix://') ? [config.DOCKER_HOST.slice('unix://'.length)] : [];
  const reserved = new Set([...CONTROL_PLANE_PORTS, config.ORCHESTRATOR_HTTP_PORT, ...urlPorts(config.DATABASE_URL, 5432), ...urlPorts(config.NATS_URL, 4222)]);
  return {
    ...DEFAULT_POLICY,
    allowedHostPaths: withRealPaths(list(config.SACP_ALLOWED_HOST_PATHS)),
    forbiddenHostPaths: withRealPaths([...RUNTIME_SOCKETS, ...dockerSocket]),
    allowedCapabilities:
      config.SACP_ALLOWED_CAPABILITIES === undefined ? DEFAULT_POLICY.allowedCapabilities : list(config.SACP_ALLOWED_CAPABILITIES.toUpperCase()).map((c) => c.replace(/^CAP_/, '')),
    allowedNetworks: list(config.SACP_ALLOWED_NETWORKS),
    allowRootTemplates: list(config.SACP_ALLOW_ROOT_TEMPLATES),
    hostPorts: { min, max },
    reservedPorts: [...reserved].filter((p) => p > 0).sort((a, b) => a - b),
    maxMemoryBytes: Math.min(config.SACP_MAX_MEMORY ? parseMemorySize(config.SACP_MAX_MEMORY) : Number.POSITIVE_INFINITY, host.memoryBytes),
    maxCpus: Math.min(config.SACP_MAX_CPUS ?? Number.POSITIVE_INFINITY, host.cpus),
    maxPids: config.SACP_MAX_PIDS,
  };
}

export interface HostSize {
  memoryBytes: number;
  cpus: number;
}

const localHostSize = (): HostSize => ({ memoryBytes: totalmem(), cpus: availableParallelism() });

/** The Docker host's size, or this machine's when Docker does not answer in time (it is the same host in every supported setup). */
export async function hostSize(docker: Pick<DockerDriver, 'hostSize'>, log: Pick<JsonLogger, 'warn'>, timeoutMs = 3000): Promise<HostSize> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([docker.hostSize(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs)))]);
  } catch (err) {
    const local = localHostSize();
    log.warn("Docker's host size is unknown; template limits are capped by this machine's", { error: (err as Error).message, ...local });
    return local;
  } finally {
    clearTimeout(timer);
  }
}
