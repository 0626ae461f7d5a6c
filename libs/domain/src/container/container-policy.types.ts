import { posix } from 'node:path';

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

export interface PolicyViolation {
  field: string;
  message: string;
}
