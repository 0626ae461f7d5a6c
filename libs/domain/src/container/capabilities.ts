import type { ContainerPolicy, PolicyViolation } from './container-policy.types';

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

/** Each capability added back must be a real one the admin allows; the refusal says why the dangerous ones are. */
export function checkCapabilities(capAdd: string[], policy: ContainerPolicy, field: string): PolicyViolation[] {
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
