import type { Template } from '../templates/template.schema';
import { parseMemorySize } from '../templates/memory-size';
import { DEFAULT_ALLOWED_CAPABILITIES, checkCapabilities } from './capabilities';
import { Labels } from './container-spec.build';
import type { ContainerSpec } from './container-spec';
import { checkHostPorts, checkLimits, checkNetwork, checkUser } from './container-policy.checks';
import { literalHostPath, type ContainerPolicy, type HostPathResolver, type PolicyViolation } from './container-policy.types';
import { checkHostPath } from './host-path.check';

// The policy's types, its capability lists and the host-path check are part of this module's surface.
export * from './container-policy.types';
export { DEFAULT_ALLOWED_CAPABILITIES, LINUX_CAPABILITIES } from './capabilities';
export { checkHostPath } from './host-path.check';

/** The control plane's own ports, whatever its configuration adds: HTTP health, Postgres, NATS client/monitor/cluster. */
export const CONTROL_PLANE_PORTS = [3100, 3101, 3102, 3103, 4222, 5432, 6222, 8222];

/** Container runtime sockets: whoever reaches one owns the host. */
export const RUNTIME_SOCKETS = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/run/containerd/containerd.sock',
  '/var/run/containerd/containerd.sock',
  '/run/podman/podman.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
  '/run/buildkit/buildkitd.sock',
];

export const DEFAULT_HOST_PORTS = { min: 20000, max: 29999 };

export const DEFAULT_POLICY: ContainerPolicy = {
  allowedHostPaths: [],
  forbiddenHostPaths: RUNTIME_SOCKETS,
  allowedCapabilities: DEFAULT_ALLOWED_CAPABILITIES,
  allowedNetworks: [],
  allowRootTemplates: [],
  hostPorts: DEFAULT_HOST_PORTS,
  reservedPorts: CONTROL_PLANE_PORTS,
  maxMemoryBytes: 16 * 1024 ** 3,
  maxCpus: 16,
  maxPids: 32_768,
};

/**
 * Checks what a template asks for, field by field. Host paths are resolved by
 * `resolve` (the orchestrator follows symlinks on the host); without it they are
 * taken as written.
 */
export function checkTemplatePolicy(template: Template, policy: ContainerPolicy, resolve: HostPathResolver = literalHostPath): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  if (template.security.privileged) violations.push({ field: 'security.privileged', message: 'privileged containers are refused: they can take over the host' });
  violations.push(...checkUser(template.security.user, template.name, policy, 'security.user'));
  violations.push(...checkCapabilities(template.security.capAdd, policy, 'security.capAdd'));
  violations.push(...checkNetwork(template.network, policy, 'network'));
  violations.push(
    ...checkHostPorts(
      template.ports.map((p) => p.host),
      policy,
      (i) => `ports.${i}.host`,
    ),
  );
  let memoryBytes = Number.NaN;
  try {
    memoryBytes = parseMemorySize(template.resources.memory);
  } catch {
    // the schema already refused it
  }
  violations.push(
    ...checkLimits({ memoryBytes, cpus: template.resources.cpus, pids: template.resources.pids }, policy, {
      memory: 'resources.memory',
      cpus: 'resources.cpus',
      pids: 'resources.pids',
    }),
  );
  template.volumes.forEach((volume, i) => {
    if ('hostPath' in volume) violations.push(...checkHostPath(volume.hostPath, resolve(volume.hostPath), policy, `volumes.${i}.hostPath`));
  });
  return violations;
}

/**
 * The last check before Docker sees a spec, whatever produced it. Bind sources are
 * resolved again here (a symlink may have changed since the template was checked);
 * `imageUser` is the image's USER when the spec sets none.
 */
export function checkContainerPolicy(spec: ContainerSpec, policy: ContainerPolicy, context: { resolve?: HostPathResolver; imageUser?: string } = {}): PolicyViolation[] {
  const resolve = context.resolve ?? literalHostPath;
  const v: PolicyViolation[] = [];
  if (spec.security.privileged) v.push({ field: 'security.privileged', message: 'privileged containers are refused' });
  if (!spec.security.noNewPrivileges) v.push({ field: 'security.noNewPrivileges', message: 'no-new-privileges must be set' });
  if (!spec.security.capDrop.includes('ALL')) v.push({ field: 'security.capDrop', message: 'all capabilities must be dropped first' });
  v.push(...checkUser(spec.security.user, spec.labels[Labels.template] ?? '', policy, 'security.user', context.imageUser));
  v.push(...checkCapabilities(spec.security.capAdd, policy, 'security.capAdd'));
  v.push(...checkNetwork(spec.networkMode, policy, 'networkMode'));
  v.push(
    ...checkHostPorts(
      spec.ports.map((p) => p.hostPort ?? 0),
      policy,
      (i) => `ports.${i}.hostPort`,
    ),
  );
  v.push(
    ...checkLimits({ memoryBytes: spec.resources.memoryBytes, cpus: spec.resources.nanoCpus / 1e9, pids: spec.resources.pidsLimit }, policy, {
      memory: 'resources.memoryBytes',
      cpus: 'resources.nanoCpus',
      pids: 'resources.pidsLimit',
    }),
  );
  spec.mounts.forEach((m, i) => {
    if (m.type === 'bind') v.push(...checkHostPath(m.source ?? '', resolve(m.source ?? ''), policy, `mounts.${i}.source`));
  });
  return v;
}
