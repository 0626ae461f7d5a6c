/**
 * The typed REST client: one `fetch` wrapper that sends the session cookie, adds
 * `X-CSRF-Token` to every request that changes something, and turns the API's one error
 * body (`{ code, message, details }`) into an `ApiError`.
 */
import type {
  Accepted,
  Agent,
  ApiToken,
  AuditEntry,
  FleetAt,
  HistoryEntry,
  LogLine,
  Me,
  Page,
  Resources,
  Role,
  StoredLogLine,
  VolumeList,
  TemplateDetail,
  TemplateSummary,
  TemplateVersion,
  User,
  Alert,
  WhyChain,
} from './types';
import type { ActivityEntry, NewTask, Task, Team } from './team-types';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;

let csrfToken: string | null = null;
/** called with every 401: the session ended (signed out elsewhere, expired, user removed) */
let onUnauthorized: () => void = () => undefined;

export const setCsrfToken = (token: string | null | undefined): void => {
  csrfToken = token ?? null;
};
export const onSessionLost = (handler: () => void): void => {
  onUnauthorized = handler;
};

export const path = (p: string, query: Query = {}): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `/api/v1${p}${s ? `?${s}` : ''}`;
};

const seg = encodeURIComponent;

async function call<T>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const h: Record<string, string> = { Accept: 'application/json', ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) h['X-CSRF-Token'] = csrfToken;
  const res = await fetch(url, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const text = await res.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const err = (parsed && typeof parsed === 'object' ? ((parsed as { error?: unknown }).error ?? parsed) : {}) as { code?: string; message?: string; details?: unknown };
    if (res.status === 401 && !url.endsWith('/auth/sign-in')) onUnauthorized();
    throw new ApiError(res.status, err.code ?? `HTTP_${res.status}`, err.message ?? (res.statusText || 'request failed'), err.details);
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Every page of a cursor list, up to `max` items. */
async function all<T>(p: string, query: Query, max = 5000): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await call<Page<T>>('GET', path(p, { ...query, cursor, limit: query.limit ?? 500 }));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

const command = <R = unknown>(method: string, url: string, body?: unknown) => call<Accepted<R>>(method, url, body, { 'Idempotency-Key': crypto.randomUUID() });

export const api = {
  signIn: (name: string, password: string) => call<{ user: { name: string; role: Role }; csrfToken: string }>('POST', path('/auth/sign-in'), { name, password }),
  signOut: () => call<void>('POST', path('/auth/sign-out')),
  me: () => call<Me>('GET', path('/auth/me')),
  changePassword: (current: string, next: string) => call<void>('POST', path('/auth/password'), { current, next }),

  // pages of 1000 (the API's most): 500 agents in one request, not a second for an empty page
  agents: (query: { state?: string; template?: string; health?: string; q?: string } = {}) => all<Agent>('/agents', { ...query, limit: 1000 }),
  fleetAt: (at: string) => call<FleetAt>('GET', path('/agents', { at, limit: 500 })),
  /** where the recorded history begins: the time slider's start */
  timeline: () => call<{ first: { at: string; globalPosition: string } | null; now: string }>('GET', path('/timeline')),
  agent: (name: string, at?: string) => call<Agent>('GET', path(`/agents/${seg(name)}`, { at })),
  deploy: (body: { name: string; template: string; team?: string; role?: string; reason?: string }) => command('POST', path('/agents'), body),
  act: (name: string, action: 'start' | 'stop' | 'restart', reason?: string) => command('POST', path(`/agents/${seg(name)}/${action}`), reason ? { reason } : {}),
  remove: (name: string, reason?: string) => command('DELETE', path(`/agents/${seg(name)}`), reason ? { reason } : undefined),
  logs: (name: string, lines = 200) => call<Page<LogLine> & { lines?: LogLine[] }>('GET', path(`/agents/${seg(name)}/logs`, { lines })),
  logStreamUrl: (name: string) => path(`/agents/${seg(name)}/logs/stream`),
  history: (name: string) => all<HistoryEntry>(`/agents/${seg(name)}/history`, { limit: 200 }, 2000),
  why: (name: string) => call<WhyChain>('GET', path(`/agents/${seg(name)}/why`)),

  templates: () => call<Page<TemplateSummary>>('GET', path('/templates')),
  template: (name: string) => call<TemplateDetail>('GET', path(`/templates/${seg(name)}`)),
  templateVersions: (name: string) => call<Page<TemplateVersion>>('GET', path(`/templates/${seg(name)}/versions`)),
  templateVersion: (name: string, version: number) => call<unknown>('GET', path(`/templates/${seg(name)}/versions/${version}`)),
  templateDiff: (name: string, from: number, to: number) => call<unknown>('GET', path(`/templates/${seg(name)}/diff`, { from, to })),

  /** the collected lines, newest first (q: full-text words) */
  logSearch: (query: Query) => call<Page<StoredLogLine>>('GET', path('/logs', { limit: 200, ...query })),
  /** server-sent events of the lines as they are collected: one of agent, team or all=true */
  logTailUrl: (query: Query) => path('/logs/stream', query),
  teams: () => all<Team>('/teams', { limit: 200 }, 2000),
  team: (name: string) => call<Team>('GET', path(`/teams/${seg(name)}`)),
  teamActivity: (name: string, limit = 50) => call<Page<ActivityEntry>>('GET', path(`/teams/${seg(name)}/activity`, { limit })),
  teamAct: (name: string, action: 'deploy' | 'stop', reason?: string) => command('POST', path(`/teams/${seg(name)}/${action}`), reason ? { reason } : {}),
  addMember: (name: string, body: { agent: string; role?: string; reason?: string }) => command('POST', path(`/teams/${seg(name)}/members`), body),
  removeMember: (name: string, agent: string, reason?: string) => command('DELETE', path(`/teams/${seg(name)}/members/${seg(agent)}`), reason ? { reason } : {}),
  /** a team's tasks, newest first (the board shows the latest 500) */
  tasks: (query: { team?: string; agent?: string; status?: string }) => all<Task>('/tasks', { ...query, limit: 200 }, 500),
  createTask: (body: NewTask) => command<{ taskId: string }>('POST', path('/tasks'), body),
  cancelTask: (taskId: string) => command('POST', path(`/tasks/${seg(taskId)}/cancel`), {}),

  volumes: (orphaned: boolean) => call<VolumeList>('GET', path('/volumes', { orphaned: orphaned ? 'true' : undefined })),
  removeVolume: (name: string, reason?: string) => command('DELETE', path(`/volumes/${seg(name)}`), reason ? { reason } : {}),
  audit: (query: Query) => call<Page<AuditEntry>>('GET', path('/audit', { limit: 100, ...query })),
  alerts: (state: 'open' | 'all') => call<Page<Alert>>('GET', path('/alerts', { state })),
  acknowledge: (key: string, note?: string) => command('POST', path(`/alerts/${seg(key)}/acknowledge`), note ? { note } : {}),
  resources: () => call<Resources>('GET', path('/resources')),

  users: () => call<Page<User>>('GET', path('/users')),
  addUser: (body: { name: string; role: Role; password: string }) => command('POST', path('/users'), body),
  setRole: (name: string, role: Role) => command('PATCH', path(`/users/${seg(name)}`), { role }),
  removeUser: (name: string) => command('DELETE', path(`/users/${seg(name)}`)),
  tokens: () => call<Page<ApiToken>>('GET', path('/tokens', { all: true })),
  /** the token itself is in this answer only (`result.token`), never again */
  createToken: (body: { name: string; role: Role; expiresAt?: string }) => command<{ tokenId: string; token?: string }>('POST', path('/tokens'), body),
  revokeToken: (id: string) => command('DELETE', path(`/tokens/${seg(id)}`)),
};

export const messageOf = (err: unknown): string => (err instanceof ApiError ? `${err.message} (${err.code})` : err instanceof Error ? err.message : String(err));
