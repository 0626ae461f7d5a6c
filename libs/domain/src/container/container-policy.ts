import { posix } from 'node:path';
import type { Template } from '../templates/template.schema';
import { parseMemorySize } from '../templates/memory-size';
import { Labels } from './container-spec.build';
import type { ContainerSpec } from './container-spec';

/**
 * What an admin allows containers to do. Everything not listed is refused: containers
 * are unprivileged, run as a non-root user, drop every capability, cannot gain
 * privileges, publish only ports from one range, and never touch the host's network
 * or files unless a path is explicitly allowed here.
 */
export interface ContainerPolicy {
  /** host paths (and everything below them) that templates may mount; real paths, symlinks resolved by the adapter */
  allowedHostPaths: string[];
  /** never mounted, nor any directory holding them: the container runtimes' sockets (real paths included) */
  forbiddenHostPaths: string[];
  /** capabilities a template may add back after dropping all */
  allowedCapabilities: string[];
  /** networks a template may join besides the default bridge */
  allowedNetworks: string[];
  /** templates whose containers may run as root (uid or gid 0, or the image's root default) */
  allowRootTemplates: string[];
  /** host ports a template may publish (0 = Docker chooses one); never below 1024 nor a reserved port */
  hostPorts: { min: number; max: number };
  /** the control plane's own ports: never published for an agent, whatever the range says */
  reservedPorts: number[];
  /** the smaller of the admin's maximum and the host's size */
  maxMemoryBytes: number;
  maxCpus: number;
  maxPids: number;
}

/** What a host path turned out to be on the host; found by an adapter, since the domain does no I/O. */
export interface ResolvedHostPath {
  /** the real path with every symlink followed, or null when it cannot be resolved */
  realPath: string | null;
  /** why it could not be resolved (e.g. "no such file or directory") */
  error?: string;
  /** a Unix socket: never mounted */
  socket?: boolean;
}

export type HostPathResolver = (hostPath: string) => ResolvedHostPath;

/** Without an adapter (a pure check), a host path is taken as written. */
export const literalHostPath: HostPathResolver = (hostPath) => ({ realPath: posix.normalize(hostPath) });

/**
 * Capabilities that cannot help an agent escape: bind a low port inside its own
 * network namespace, change the owner of its own files. DAC_OVERRIDE, SETUID, SETGID,
 * FOWNER, NET_RAW and anything *_ADMIN are left out on purpose.
 */
export const DEFAULT_ALLOWED_CAPABILITIES = ['NET_BIND_SERVICE', 'CHOWN'];

/** Linux capabilities by name: anything else in capAdd is a typo or a trick. */
export const LINUX_CAPABILITIES = [
  'AUDIT_CONTROL',
  'AUDIT_READ',
  'AUDIT_WRITE',
  'BLOCK_SUSPEND',
  'BPF',
  'CHECKPOINT_RESTORE',
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'IPC_LOCK',
  'IPC_OWNER',
  'KILL',
  'LEASE',
  'LINUX_IMMUTABLE',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'MKNOD',
  'NET_ADMIN',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_RAW',
  'PERFMON',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYSLOG',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_CHROOT',
  'SYS_MODULE',
  'SYS_NICE',
  'SYS_PACCT',
  'SYS_PTRACE',
  'SYS_RAWIO',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'WAKE_ALARM',
];

/** Why the usual suspects are dangerous, for the refusal message. */
const CAPABILITY_RISKS: Record<string, string> = {
  DAC_OVERRIDE: 'bypasses file permission checks',
  DAC_READ_SEARCH: 'reads any file and can open host files by handle',
  SETUID: 'lets a process become any user, root included',
  SETGID: 'lets a process join any group, root included',
  SETPCAP: 'changes capability sets',
  SETFCAP: 'grants capabilities to files',
  FOWNER: 'bypasses ownership checks',
  SYS_ADMIN: 'is nearly root on the host (mount, namespaces, BPF)',
  SYS_MODULE: 'loads kernel modules',
  SYS_RAWIO: 'gives raw access to devices and I/O ports',
  SYS_PTRACE: 'traces and injects into other processes',
  SYS_BOOT: 'reboots the host',
  SYS_TIME: "sets the host's clock",
  NET_ADMIN: 'reconfigures networking and firewalls',
  NET_RAW: 'forges packets on the network',
  MKNOD: 'creates device files',
  MAC_ADMIN: 'changes the mandatory access control policy',
  MAC_OVERRIDE: 'bypasses the mandatory access control policy',
  BPF: 'loads BPF programs into the kernel',
  PERFMON: 'observes the kernel and other processes',
  LINUX_IMMUTABLE: 'changes immutable files',
  IPC_OWNER: "bypasses checks on other processes' shared memory",
};

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

export interface PolicyViolation {
  field: string;
  message: string;
}

const FORBIDDEN_NETWORK_MODES = new Set(['host', 'none']);

const trimSlash = (p: string) => p.replace(/\/+$/, '') || '/';
const isAtOrBelow = (path: string, root: string) => {
  const p = trimSlash(path);
  const r = trimSlash(root);
  return p === r || p.startsWith(r === '/' ? '/' : `${r}/`);
};

/** The one host-path check, for templates and specs alike. */
export function checkHostPath(written: string, resolved: ResolvedHostPath, policy: ContainerPolicy, field: string): PolicyViolation[] {
  const refuse = (why: string) => [{ field, message: `host path ${written} may not be mounted: ${why}` }];
  // the root and the runtime sockets are refused as written too, whether or not they exist here
  const never = (path: string, via: string) => {
    if (path === '/') return refuse(`it is the host's root directory${via}`);
    const socket = policy.forbiddenHostPaths.find((s) => isAtOrBelow(s, path) || isAtOrBelow(path, s));
    if (socket)
      return refuse(`it ${socket !== path && isAtOrBelow(socket, path) ? 'holds' : 'is'} the container runtime's socket ${socket}${via}, which would hand the host to the agent`);
    return null;
  };
  if (written.split('/').includes('..')) return refuse('it contains ".."; write the path without it');
  const literal = trimSlash(posix.normalize(written));
  const asWritten = never(literal, '');
  if (asWritten) return asWritten;
  if (resolved.realPath === null) return refuse(`it cannot be resolved (${resolved.error ?? 'unknown error'}); a host path must exist so that its real path can be checked`);
  const real = trimSlash(resolved.realPath);
  const moved = real !== literal;
  const via = moved ? ` (it resolves to ${real}, symlinks followed)` : '';
  const resolvedRefusal = never(real, via);
  if (resolvedRefusal) return resolvedRefusal;
  if (resolved.socket) return refuse(`it is a Unix socket${via}; sockets of the host are never mounted`);
  if (!policy.allowedHostPaths.some((root) => isAtOrBelow(real, root)))
    return refuse(
      `${moved ? `it resolves to ${real} (symlinks followed), which is` : 'it is'} not below a path the admin allows (${policy.allowedHostPaths.join(', ') || 'none'}; SACP_ALLOWED_HOST_PATHS)`,
    );
  return [];
}

function checkNetwork(network: string, policy: ContainerPolicy, field: string): PolicyViolation[] {
  if (network === 'bridge') return [];
  if (FORBIDDEN_NETWORK_MODES.has(network) || network.startsWith('container:'))
    return [{ field, message: `network "${network}" is refused: agents never share the host's or another container's network` }];
  if (!policy.allowedNetworks.includes(network))
    return [{ field, message: `network "${network}" is not in the admin's allowed networks (${policy.allowedNetworks.join(', ') || 'none'}; SACP_ALLOWED_NETWORKS)` }];
  return [];
}

function checkCapabilities(capAdd: string[], policy: ContainerPolicy, field: string): PolicyViolation[] {
  return capAdd.flatMap((raw, i) => {
    const cap = raw.toUpperCase().replace(/^CAP_/, '');
    const f = `${field}.${i}`;
    if (cap === 'ALL') return [{ field: f, message: 'capability ALL is refused: it is a privileged container by another name' }];
    if (!LINUX_CAPABILITIES.includes(cap)) return [{ field: f, message: `capability ${raw} is not a Linux capability` }];
    if (policy.allowedCapabilities.includes(cap)) return [];
    const risk = CAPABILITY_RISKS[cap];
    return [
      {
        field: f,
        message: `capability ${cap} is refused${risk ? ` (it ${risk})` : ''}: only ${policy.allowedCapabilities.join(', ') || 'none'} may be added (SACP_ALLOWED_CAPABILITIES)`,
      },
    ];
  });
}

/**
 * Root is uid 0 or gid 0, by number or by the name "root". Other names are refused
 * too: only the image knows what a name maps to, so only a number can be checked.
 */
function checkUser(user: string | undefined, template: string, policy: ContainerPolicy, field: string, imageUser?: string): PolicyViolation[] {
  if (policy.allowRootTemplates.includes(template)) return [];
  const allow = `; an admin can allow root for this template only (SACP_ALLOW_ROOT_TEMPLATES=${template})`;
  if (user === undefined) {
    // the image decides; checkable only where the image is known (at container creation)
    if (imageUser === undefined) return [];
    if (imageUser.trim() === '') return [{ field, message: `security.user is not set and the image runs as root (it sets no USER): set a non-root uid such as "1000"${allow}` }];
    const fromImage = checkUser(imageUser, template, policy, field);
    return fromImage.length ? [{ field, message: `security.user is not set and the image's USER is "${imageUser}": ${fromImage[0]!.message}` }] : [];
  }
  const [uid = '', gid, ...rest] = user.split(':');
  const isRoot = (id: string) => id === 'root' || (/^\d+$/.test(id) && Number(id) === 0);
  if (isRoot(uid)) return [{ field, message: `user "${user}" is root: containers run as a non-root uid${allow}` }];
  if (gid !== undefined && isRoot(gid)) return [{ field, message: `user "${user}" has group 0 (root), which opens root-owned files${allow}` }];
  if (rest.length || !/^\d+$/.test(uid) || (gid !== undefined && !/^\d+$/.test(gid)))
    return [{ field, message: `user "${user}" is not a numeric uid[:gid]: a name is looked up inside the image and may be root; write e.g. "1000" or "1000:1000"` }];
  return [];
}

function checkHostPorts(hostPorts: number[], policy: ContainerPolicy, field: (i: number) => string): PolicyViolation[] {
  const seen = new Set<number>();
  return hostPorts.flatMap((port, i) => {
    if (!port) return [];
    const refuse = (why: string) => [{ field: field(i), message: `host port ${port} is refused: ${why}` }];
    if (seen.has(port)) return refuse('it is published twice');
    seen.add(port);
    if (port < 1024) return refuse('ports below 1024 are privileged and never published for an agent');
    if (policy.reservedPorts.includes(port)) return refuse(`it is one of the control plane's own ports (${policy.reservedPorts.join(', ')})`);
    const { min, max } = policy.hostPorts;
    if (port < min || port > max) return refuse(`it is outside the range agents may publish, ${min}-${max} (SACP_HOST_PORT_RANGE); or use 0 to let Docker choose`);
    return [];
  });
}

const GIB = 1024 ** 3;
const size = (bytes: number) => (bytes >= GIB ? `${+(bytes / GIB).toFixed(2)} GiB` : `${+(bytes / 1024 ** 2).toFixed(1)} MiB`);

function checkLimits(r: { memoryBytes: number; cpus: number; pids: number }, policy: ContainerPolicy, f: { memory: string; cpus: string; pids: string }): PolicyViolation[] {
  const v: PolicyViolation[] = [];
  if (!(r.memoryBytes > 0)) v.push({ field: f.memory, message: 'a memory limit is required' });
  if (!(r.cpus > 0)) v.push({ field: f.cpus, message: 'a CPU limit is required' });
  if (!(r.pids > 0)) v.push({ field: f.pids, message: 'a pids limit is required' });
  if (r.memoryBytes > policy.maxMemoryBytes)
    v.push({
      field: f.memory,
      message: `memory ${size(r.memoryBytes)} (${r.memoryBytes} bytes) exceeds the maximum ${size(policy.maxMemoryBytes)} (${policy.maxMemoryBytes} bytes; the host's memory or SACP_MAX_MEMORY)`,
    });
  if (r.cpus > policy.maxCpus) v.push({ field: f.cpus, message: `${r.cpus} CPUs exceeds the maximum ${policy.maxCpus} (the host's CPUs or SACP_MAX_CPUS)` });
  if (r.pids > policy.maxPids) v.push({ field: f.pids, message: `pids limit ${r.pids} exceeds the maximum ${policy.maxPids} (SACP_MAX_PIDS)` });
  return v;
}

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
