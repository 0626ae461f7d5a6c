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
  /** the team it belongs to, or null */
  team?: string | null;
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

/** A line the monitor collected (GET /api/v1/logs, /logs/stream): kept after its container is gone, within retention. */
export interface StoredLogLine {
  at: string;
  agentId: string;
  agentName: string;
  team: string | null;
  containerId: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

/** GET /api/v1/volumes: an agent's workspace or a team's shared volume, with its size. */
export interface Volume {
  name: string;
  kind: string | null;
  agent: { id: string | null; name: string | null; exists: boolean };
  team?: { name: string; exists: boolean } | null;
  orphaned: boolean;
  sizeBytes: number | null;
  refCount: number | null;
  createdAt: string | null;
}

export interface VolumeList {
  volumes: Volume[];
  total: number;
  sizesAt: string | null;
  sizesPending: boolean;
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
  hash: string;
  /** when it was registered, and by whose command (a deploy or a sync) */
  at: string;
  actor: Actor;
}

export interface Alert {
  /** the id of its alert.raised event (a key raised again is another alert) */
  alertId: string;
  key: string;
  /** an acknowledged alert stays open until its condition is over */
  state: 'open' | 'resolved';
  severity: 'info' | 'warning' | 'critical';
  agentName: string | null;
  cause: string;
  message: string;
  raisedAt: string;
  resolved: { at: string; message: string } | null;
  acknowledged: { by: Actor; at: string; note: string | null } | null;
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
  createdAt: string;
}

export interface ApiToken {
  tokenId: string;
  name: string;
  role: Role;
  /** the user it acts for, or null */
  user: string | null;
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What a command endpoint answers (202, 201 for users and tokens): the command's id, its result, where to follow it. */
export interface Accepted<R = unknown> {
  commandId: string;
  duplicate: boolean;
  result: R;
  links: { command: string } & Record<string, string>;
}

/** GET /agents/{agent}/why: the events that led to the agent's last state change, oldest first. */
export interface WhyChain {
  steps: (HistoryEntry & { summary: string })[];
  /** the first step's cause when it is not in this agent's history */
  unresolvedCause: string | null;
  truncated: boolean;
}

export interface StoredEvent {
  eventId: string;
  type: string;
  streamId: string;
  globalPosition: string;
  data: unknown;
  recordedAt: string;
}
