import type Docker from 'dockerode';
import type { ContainerMount, ContainerSpec } from '@sacp/domain';
import { DockerInvalidSpecError } from './docker.errors';

/** json-file log rotation: an agent that logs in a loop cannot fill the disk. */
export const LOG_MAX_SIZE = '10m';
export const LOG_MAX_FILES = '3';

/** Published ports listen on loopback only; nothing is exposed beyond this machine. */
export const PUBLISH_HOST_IP = '127.0.0.1';

const NS_PER_MS = 1_000_000;

/**
 * Translates a resolved, policy-checked ContainerSpec into dockerode create options,
 * field for field. The spec is already the decision; this adds only what Docker
 * needs to obey it, plus two fixed choices that belong to the control plane rather
 * than to templates: restart policy "no" (the monitor decides restarts and records
 * them as events; Docker restarting behind its back would make history lie) and a
 * capped log driver.
 */
export function toCreateOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  const env = Object.entries(spec.env).map(([key, value]) => {
    if (key === '' || key.includes('=')) {
      throw new DockerInvalidSpecError(spec.name, `environment variable name "${key}" is empty or contains "="`);
    }
    return `${key}=${value}`;
  });

  const exposedPorts: Record<string, object> = {};
  const portBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const port of spec.ports) {
    const key = `${port.containerPort}/${port.protocol}`;
    exposedPorts[key] = {};
    // An empty HostPort lets Docker pick a free port.
    const hostPort = port.hostPort ? String(port.hostPort) : '';
    (portBindings[key] ??= []).push({ HostIp: PUBLISH_HOST_IP, HostPort: hostPort });
  }

  const security = spec.security;
  return {
    name: spec.name,
    Image: spec.image,
    ...(spec.command ? { Cmd: spec.command } : {}),
    Env: env,
    Labels: { ...spec.labels },
    ...(security.user !== undefined ? { User: security.user } : {}),
    ExposedPorts: exposedPorts,
    StopTimeout: spec.stopTimeoutSeconds,
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ...(spec.healthcheck
      ? {
          Healthcheck: {
            Test: spec.healthcheck.test,
            Interval: spec.healthcheck.intervalMs * NS_PER_MS,
            Timeout: spec.healthcheck.timeoutMs * NS_PER_MS,
            Retries: spec.healthcheck.retries,
            // Docker reads 0 as "inherit the image's start period"; the spec's 0 means
            // none, and 1 ms is the smallest period Docker accepts.
            StartPeriod: Math.max(spec.healthcheck.startPeriodMs, 1) * NS_PER_MS,
          },
        }
      : {}),
    // DNS aliases on a user-defined network (a team member is found by its agent's name)
    ...(spec.networkAliases?.length ? { NetworkingConfig: { EndpointsConfig: { [spec.networkMode]: { Aliases: [...spec.networkAliases] } } } } : {}),
    HostConfig: {
      Memory: spec.resources.memoryBytes,
      // Equal to Memory: no swap, so the memory limit is a real limit.
      MemorySwap: spec.resources.memoryBytes,
      NanoCpus: spec.resources.nanoCpus,
      PidsLimit: spec.resources.pidsLimit,
      Privileged: security.privileged,
      CapAdd: [...security.capAdd],
      CapDrop: [...security.capDrop],
      SecurityOpt: security.noNewPrivileges ? ['no-new-privileges:true'] : [],
      ReadonlyRootfs: security.readOnlyRootfs,
      NetworkMode: spec.networkMode,
      Mounts: spec.mounts.map((mount) => toMount(spec.name, mount)),
      PortBindings: portBindings,
      RestartPolicy: { Name: 'no' },
      LogConfig: { Type: 'json-file', Config: { 'max-size': LOG_MAX_SIZE, 'max-file': LOG_MAX_FILES } },
    },
  };
}

function toMount(containerName: string, mount: ContainerMount): Docker.MountSettings {
  if (mount.type === 'tmpfs') {
    return { Type: 'tmpfs', Target: mount.target, ReadOnly: mount.readOnly } as Docker.MountSettings;
  }
  if (!mount.source) {
    throw new DockerInvalidSpecError(containerName, `${mount.type} mount at ${mount.target} has no source`);
  }
  return { Type: mount.type, Source: mount.source, Target: mount.target, ReadOnly: mount.readOnly };
}
