/**
 * A fully resolved description of one container, produced by the domain from an
 * agent and its template, checked against the container policy, and handed to the
 * Docker driver as plain data. The driver adds nothing of its own.
 */
export interface ContainerMount {
  type: 'volume' | 'bind' | 'tmpfs';
  /** volume name or host path; absent for tmpfs */
  source?: string;
  target: string;
  readOnly: boolean;
  /** a named volume's role for its agent (label sacp.volume), e.g. "workspace" */
  volume?: string;
}

export interface ContainerHealthcheck {
  /** Docker HEALTHCHECK test, e.g. ["CMD", "sim-ctl", "health"] */
  test: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

export interface ContainerPort {
  containerPort: number;
  /** host port on 127.0.0.1; 0 or absent lets Docker choose */
  hostPort?: number;
  protocol: 'tcp' | 'udp';
}

export interface ContainerSpec {
  /** deterministic container name; Docker's name uniqueness prevents duplicates */
  name: string;
  image: string;
  command?: string[];
  /** environment with secret references already resolved to values */
  env: Record<string, string>;
  labels: Record<string, string>;
  resources: {
    memoryBytes: number;
    nanoCpus: number;
    pidsLimit: number;
  };
  security: {
    privileged: boolean;
    capAdd: string[];
    capDrop: string[];
    noNewPrivileges: boolean;
    readOnlyRootfs: boolean;
    user?: string;
  };
  /** 'bridge', 'none' or the name of a user-defined network; never 'host' */
  networkMode: string;
  /** DNS names of the container on `networkMode` (a user-defined network), besides its own name */
  networkAliases?: string[];
  mounts: ContainerMount[];
  healthcheck?: ContainerHealthcheck;
  /** ports are published on 127.0.0.1 only */
  ports: ContainerPort[];
  stopTimeoutSeconds: number;
}
