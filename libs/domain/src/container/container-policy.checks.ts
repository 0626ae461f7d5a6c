import type { ContainerPolicy, PolicyViolation } from './container-policy.types';

// The checks of one field each that both the template check and the container check run (container-policy.ts).

const FORBIDDEN_NETWORK_MODES = new Set(['host']);

/** "bridge": the network the control plane chooses (the team's, or the one of agents in no team); "none": no network at all. */
export function checkNetwork(network: string, policy: ContainerPolicy, field: string): PolicyViolation[] {
  if (network === 'bridge' || network === 'none') return [];
  if (FORBIDDEN_NETWORK_MODES.has(network) || network.startsWith('container:'))
    return [{ field, message: `network "${network}" is refused: agents never share the host's or another container's network` }];
  if (!policy.allowedNetworks.includes(network))
    return [{ field, message: `network "${network}" is not in the admin's allowed networks (${policy.allowedNetworks.join(', ') || 'none'}; SACP_ALLOWED_NETWORKS)` }];
  return [];
}

/**
 * Root is uid 0 or gid 0, by number or by the name "root". Other names are refused
 * too: only the image knows what a name maps to, so only a number can be checked.
 */
export function checkUser(user: string | undefined, template: string, policy: ContainerPolicy, field: string, imageUser?: string): PolicyViolation[] {
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

export function checkHostPorts(hostPorts: number[], policy: ContainerPolicy, field: (i: number) => string): PolicyViolation[] {
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

export function checkLimits(r: { memoryBytes: number; cpus: number; pids: number }, policy: ContainerPolicy, f: { memory: string; cpus: string; pids: string }): PolicyViolation[] {
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
