import type { Template } from '../templates/template.schema';
import type { ContainerSpec } from './container-spec';

/**
 * What an admin allows containers to do. Everything not listed is refused: containers
 * are unprivileged, drop every capability, cannot gain privileges, and never touch
 * the host's network or files unless a path is explicitly allowed here.
 */
export interface ContainerPolicy {
  /** host paths (and everything below them) that templates may mount */
  allowedHostPaths: string[];
  /** capabilities a template may add back after dropping all */
  allowedCapabilities: string[];
  /** networks a template may join besides the default bridge */
  allowedNetworks: string[];
  maxMemoryBytes: number;
  maxCpus: number;
  maxPids: number;
}

/** Capabilities that are harmless for ordinary agent processes. */
export const DEFAULT_ALLOWED_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'NET_BIND_SERVICE'];

export const DEFAULT_POLICY: ContainerPolicy = {
  allowedHostPaths: [],
  allowedCapabilities: DEFAULT_ALLOWED_CAPABILITIES,
  allowedNetworks: [],
  maxMemoryBytes: 16 * 1024 ** 3,
  maxCpus: 16,
  maxPids: 32_768,
};

export interface PolicyViolation {
  field: string;
  message: string;
}

const FORBIDDEN_NETWORK_MODES = new Set(['host', 'none']);

function isAllowedHostPath(path: string, allowed: string[]): boolean {
  const normalised = path.replace(/\/+$/, '') || '/';
  if (normalised.split('/').includes('..')) return false;
  return allowed.some((root) => {
    const r = root.replace(/\/+$/, '') || '/';
    return normalised === r || normalised.startsWith(r === '/' ? '/' : `${r}/`);
  });
}

function checkNetwork(network: string, policy: ContainerPolicy, field: string): PolicyViolation[] {
  if (network === 'bridge') return [];
  if (FORBIDDEN_NETWORK_MODES.has(network) || network.startsWith('container:'))
    return [{ field, message: `network "${network}" is refused: agents never share the host's or another container's network` }];
  if (!policy.allowedNetworks.includes(network))
    return [{ field, message: `network "${network}" is not in the admin's allowed networks (${policy.allowedNetworks.join(', ') || 'none'})` }];
  return [];
}

function checkCapabilities(capAdd: string[], policy: ContainerPolicy, field: string): PolicyViolation[] {
  return capAdd
    .filter((cap) => !policy.allowedCapabilities.includes(cap.replace(/^CAP_/, '')))
    .map((cap) => ({ field, message: `capability ${cap} is refused: only ${policy.allowedCapabilities.join(', ')} may be added` }));
}

/** Checks what a template asks for, field by field. */
export function checkTemplatePolicy(template: Template, policy: ContainerPolicy): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  if (template.security.privileged)
    violations.push({ field: 'security.privileged', message: 'privileged containers are refused: they can take over the host' });
  violations.push(...checkCapabilities(template.security.capAdd, policy, 'security.capAdd'));
  violations.push(...checkNetwork(template.network, policy, 'network'));
  template.volumes.forEach((volume, i) => {
    if ('hostPath' in volume && !isAllowedHostPath(volume.hostPath, policy.allowedHostPaths))
      violations.push({
        field: `volumes.${i}.hostPath`,
        message: `host path ${volume.hostPath} may not be mounted: the admin allows ${policy.allowedHostPaths.join(', ') || 'no host paths'} (SACP_ALLOWED_HOST_PATHS)`,
      });
  });
  return violations;
}

/** The last check before Docker sees a spec, whatever produced it. */
export function checkContainerPolicy(spec: ContainerSpec, policy: ContainerPolicy): PolicyViolation[] {
  const v: PolicyViolation[] = [];
  if (spec.security.privileged) v.push({ field: 'security.privileged', message: 'privileged containers are refused' });
  if (!spec.security.noNewPrivileges) v.push({ field: 'security.noNewPrivileges', message: 'no-new-privileges must be set' });
  if (!spec.security.capDrop.includes('ALL')) v.push({ field: 'security.capDrop', message: 'all capabilities must be dropped first' });
  v.push(...checkCapabilities(spec.security.capAdd, policy, 'security.capAdd'));
  v.push(...checkNetwork(spec.networkMode, policy, 'networkMode'));
  if (!(spec.resources.memoryBytes > 0)) v.push({ field: 'resources.memoryBytes', message: 'a memory limit is required' });
  if (!(spec.resources.nanoCpus > 0)) v.push({ field: 'resources.nanoCpus', message: 'a CPU limit is required' });
  if (!(spec.resources.pidsLimit > 0)) v.push({ field: 'resources.pidsLimit', message: 'a pids limit is required' });
  if (spec.resources.memoryBytes > policy.maxMemoryBytes)
    v.push({ field: 'resources.memoryBytes', message: `memory ${spec.resources.memoryBytes} exceeds the admin's maximum ${policy.maxMemoryBytes}` });
  if (spec.resources.nanoCpus > policy.maxCpus * 1e9)
    v.push({ field: 'resources.nanoCpus', message: `CPU ${spec.resources.nanoCpus / 1e9} exceeds the admin's maximum ${policy.maxCpus}` });
  if (spec.resources.pidsLimit > policy.maxPids)
    v.push({ field: 'resources.pidsLimit', message: `pids ${spec.resources.pidsLimit} exceeds the admin's maximum ${policy.maxPids}` });
  spec.mounts.forEach((m, i) => {
    if (m.type === 'bind' && !isAllowedHostPath(m.source ?? '', policy.allowedHostPaths))
      v.push({ field: `mounts.${i}.source`, message: `host path ${m.source} may not be mounted` });
  });
  return v;
}
