import type { PolicyViolation } from '../container/container-policy';

/**
 * Docker options a template has no field for, because the policy never grants them.
 * A template that asks anyway is refused with the reason, not just "unknown field".
 * Keys are compared without case, "_" or "-", so `security_opt`, `securityOpt` and
 * `SecurityOpt` are the same request.
 */
const REASONS: Record<string, string> = {
  devices: 'host devices are never given to agents',
  devicerequests: 'host devices (GPUs included) are never given to agents',
  devicecgrouprules: 'host devices are never given to agents',
  privileged: 'privileged containers are refused: they can take over the host',
  pid: "sharing the host's (or another container's) process namespace is refused",
  pidmode: "sharing the host's (or another container's) process namespace is refused",
  ipc: "sharing the host's (or another container's) IPC namespace is refused",
  ipcmode: "sharing the host's (or another container's) IPC namespace is refused",
  uts: "sharing the host's UTS namespace (hostname) is refused",
  utsmode: "sharing the host's UTS namespace (hostname) is refused",
  userns: "the host's user namespace is not chosen by templates",
  usernsmode: "the host's user namespace is not chosen by templates",
  cgroupns: "the host's cgroup namespace is not chosen by templates",
  cgroupnsmode: "the host's cgroup namespace is not chosen by templates",
  cgroupparent: 'the cgroup is not chosen by templates',
  networkmode: 'use "network"; the host\'s and other containers\' networks are refused',
  net: 'use "network"; the host\'s and other containers\' networks are refused',
  sysctls: 'kernel parameters (sysctls) are not set by templates',
  securityopt: "security options stay Docker's defaults: seccomp, AppArmor and SELinux are never unconfined or replaced",
  securityopts: "security options stay Docker's defaults: seccomp, AppArmor and SELinux are never unconfined or replaced",
  seccomp: 'the seccomp profile stays Docker\'s default; "unconfined" is refused',
  seccompprofile: 'the seccomp profile stays Docker\'s default; "unconfined" is refused',
  apparmor: 'the AppArmor profile stays Docker\'s default; "unconfined" is refused',
  apparmorprofile: 'the AppArmor profile stays Docker\'s default; "unconfined" is refused',
  selinux: "SELinux labels stay Docker's default",
  nonewprivileges: 'no-new-privileges is always on',
  capdrop: 'every capability is always dropped; add back what is allowed with security.capAdd',
  groupadd: 'supplementary groups (docker, disk, root, ...) are refused',
  groups: 'supplementary groups (docker, disk, root, ...) are refused',
  runtime: 'the container runtime is not chosen by templates',
  binds: 'host paths go in volumes[].hostPath, where the policy checks them',
  mounts: 'host paths go in volumes[].hostPath, where the policy checks them',
  volumesfrom: "other containers' volumes are refused",
  oomkilldisable: 'the OOM killer always applies',
  ulimits: 'ulimits are not set by templates; use resources',
  capadd: 'capabilities go in security.capAdd, where the policy checks them',
  propagation: 'mount propagation stays private: a shared mount would carry mounts back to the host',
  bindpropagation: 'mount propagation stays private: a shared mount would carry mounts back to the host',
  hostip: 'ports are published on 127.0.0.1 only',
};

const norm = (key: string) => key.toLowerCase().replace(/[_-]/g, '');

/** Where a template may hide such options: at the top, in `security`, `resources`, each volume and each port. */
const SCOPES: Array<{ path: string; except: string[] }> = [
  { path: '', except: [] },
  { path: 'security', except: ['privileged', 'capadd'] },
  { path: 'resources', except: [] },
  { path: 'volumes.*', except: [] },
  { path: 'ports.*', except: [] },
];

const isRecord = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

/** The objects at a scope's path, with their dotted paths; `*` is every element of an array. */
function nodesAt(raw: unknown, path: string[], at: string[] = []): Array<{ at: string[]; node: Record<string, unknown> }> {
  if (!path.length) return isRecord(raw) ? [{ at, node: raw }] : [];
  const [head, ...rest] = path as [string, ...string[]];
  if (head === '*') return Array.isArray(raw) ? raw.flatMap((item, i) => nodesAt(item, rest, [...at, String(i)])) : [];
  return isRecord(raw) ? nodesAt(raw[head], rest, [...at, head]) : [];
}

export function hostileFields(raw: unknown): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  for (const scope of SCOPES) {
    for (const { at, node } of nodesAt(raw, scope.path ? scope.path.split('.') : [])) {
      for (const key of Object.keys(node)) {
        const reason = REASONS[norm(key)];
        if (reason && !scope.except.includes(norm(key))) out.push({ field: [...at, key].join('.'), message: `${key} is refused: ${reason}` });
      }
    }
  }
  return out;
}

/** A copy without the given dotted fields, so that the schema reports only the other problems. */
export function withoutFields(raw: unknown, fields: string[]): unknown {
  if (!fields.length || !raw || typeof raw !== 'object') return raw;
  const copy = structuredClone(raw) as Record<string, unknown>;
  for (const field of fields) {
    const path = field.split('.');
    let node: unknown = copy;
    for (const key of path.slice(0, -1)) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    if (node && typeof node === 'object') delete (node as Record<string, unknown>)[path[path.length - 1]!];
  }
  return copy;
}
