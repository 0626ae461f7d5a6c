/**
 * What the REST API under /api/v1 answers (the contract in apps/api's OpenAPI document).
 * Written out here rather than imported from libs/events: the browser bundle stays free
 * of the server's code, and only the fields the dashboard reads are listed.
 */
export type Role = 'viewer' | 'operator' | 'admin';

export interface Me {
  kind: 'user' | 'token';
  name: string;
  role: Role;
  csrfToken?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface Agent {
  id: string;
  name: string;
  template: { name: string; version: number } | null;
  state: { desired: 'running' | 'stopped' | 'removed'; observed: string };
  containerId: string | null;
  restarts: number;
  runningSince: string | null;
  health: 'unknown' | 'healthy' | 'unhealthy';
  lastAlert: { key: string; state: 'open' | 'resolved'; severity: string | null; cause: string | null; message: string; at: string } | null;
  lastError: { operation: string; code: string; message: string; at: string } | null;
  createdAt: string;
  updatedAt: string;
}

/** The agent list with `?at=`: the fleet rebuilt from the events up to that moment. */
export interface FleetAt extends Page<Agent> {
  /** the time asked for, and the global position of the last event included */
  asOf: { at: string; position: string };
}

export interface Actor {
  kind: string;
  id: string;
  displayName: string;
}

export interface HistoryEntry {
  eventId: string;
  position: string;
  type: string;
  at: string;
  actor: Actor;
  source: string;
  reason: string | null;
  commandId: string | null;
  causationId: string | null;
  data: unknown;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  line: string;
  ts?: string;
}

export interface AuditEntry {
  at: string;
  commandId: string | null;
  commandType: string | null;
  actor: Actor | null;
  source: string | null;
  reason: string | null;
  outcome: string;
  errorCode: string | null;
  message: string | null;
}

export interface TemplateSummary {
  name: string;
  description?: string;
  image: string;
  version: number | null;
  resources?: { memory?: string; cpus?: number; pids?: number };
}

export interface TemplateDetail {
  name: string;
  /** what the next deploy uses: image, resources, … */
  definition: { description?: string; image?: string; resources?: { memory?: string; cpus?: number; pids?: number } };
  version: number | null;
  registeredAt: string | null;
  changedSinceRegistered: boolean;
  agents?: { agent: string; version: number }[];
}

export interface TemplateVersion {
  version: number;
  hash?: string;
  registeredAt?: string;
  at?: string;
}

export interface Alert {
  key: string;
  /** open, resolved, acknowledged */
  state: string;
  severity: string | null;
  agentName?: string | null;
  cause?: string | null;
  message: string;
  raisedAt?: string;
  at?: string;
  acknowledged?: { by?: string; at?: string; note?: string | null } | null;
}

export interface AgentSample {
  agentId: string;
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  at: string;
}

export interface HostSample {
  cpuPercent: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
  at: string;
}

export interface Resources {
  host: HostSample | null;
  agents: Record<string, AgentSample> | AgentSample[];
}

export interface User {
  name: string;
  role: Role;
  createdAt?: string;
}

export interface ApiToken {
  tokenId?: string;
  id?: string;
  name: string;
  role: Role;
  expiresAt?: string | null;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
  createdBy?: string;
}

export interface Accepted {
  commandId: string;
  outcome?: string;
  links?: { command?: string; agent?: string };
}

export interface StoredEvent {
  eventId: string;
  type: string;
  streamId: string;
  globalPosition: string;
  data: unknown;
  recordedAt: string;
}
