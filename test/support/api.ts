import { randomBytes } from 'node:crypto';
import type { Role } from '@sacp/events';
import type { TestControlPlane } from './control-plane';
import { ServiceProcess } from './service-process';

/** A signed-in dashboard session: the cookie to send and the CSRF token for changes. */
export interface TestSession {
  cookie: string;
  csrfToken: string;
  name: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the JSON bodies they are sent as they come
type Json = any;

export interface ApiAnswer<B = Json> {
  status: number;
  /** the body parsed as JSON (in this file's realm), or the text when it is not JSON */
  body: B;
  headers: Headers;
}

export interface ApiRequestOptions {
  /** an API token, sent as Authorization: Bearer */
  token?: string;
  /** a session: its cookie, and (for changes) its CSRF token unless `csrf: false` or another string */
  session?: TestSession;
  csrf?: string | false;
  body?: unknown;
  /** a raw body, sent as is (with content-type application/json unless a header says otherwise) */
  rawBody?: string;
  headers?: Record<string, string>;
  /** which replica answers (default the first) */
  replica?: number;
}

/**
 * API processes on a TestControlPlane, and a client that speaks to them as a browser
 * (session cookie + CSRF token) or as a script (Bearer token) would. Users and tokens
 * are made with the CLI's commands over the bus, as an operator on the machine would.
 */
export class TestApi {
  readonly replicas: ServiceProcess[] = [];

  constructor(
    private readonly cp: TestControlPlane,
    private readonly env: Record<string, string> = {},
  ) {}

  async start(replicas = 1): Promise<this> {
    for (let i = 0; i < replicas; i++) {
      const s = new ServiceProcess('api', { ...this.cp.serviceEnv('api'), API_COOKIE_SECURE: 'false', ...this.env }, 'API_HTTP_PORT');
      this.replicas.push(s);
      await s.start();
    }
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.replicas) await s.kill();
  }

  url(path = '', replica = 0): string {
    return `http://127.0.0.1:${this.replicas[replica]!.port}${path}`;
  }

  /** Adds a user (a CLI command) and returns its password. */
  async addUser(name: string, role: Role, password = `pw-${randomBytes(12).toString('hex')}`): Promise<string> {
    const r = await this.cp.command('user.add', { name, role, password });
    if (!r.ok) throw new Error(`user.add ${name} refused: ${r.error.code} ${r.error.message}`);
    return password;
  }

  /** Creates an API token (a CLI command) and returns it with its id. */
  async createToken(name: string, role: Role, extra: { user?: string; expiresAt?: string } = {}): Promise<{ token: string; tokenId: string }> {
    const r = await this.cp.command<{ token: string; tokenId: string }>('token.create', { name, role, ...extra });
    if (!r.ok) throw new Error(`token.create ${name} refused: ${r.error.code} ${r.error.message}`);
    return { token: r.result.token, tokenId: r.result.tokenId };
  }

  /** A user with this role, signed in: their session. */
  async session(name: string, role: Role, replica = 0): Promise<TestSession> {
    const password = await this.addUser(name, role);
    return this.signIn(name, password, replica);
  }

  async signIn(name: string, password: string, replica = 0): Promise<TestSession> {
    const res = await this.request('POST', '/api/v1/auth/sign-in', { body: { name, password }, replica });
    if (res.status !== 200) throw new Error(`sign-in as ${name} failed: ${res.status} ${JSON.stringify(res.body)}`);
    const setCookie = res.headers.get('set-cookie') ?? '';
    const cookie = setCookie.split(';')[0]!;
    return { cookie, csrfToken: (res.body as { csrfToken: string }).csrfToken, name };
  }

  async request<B = Json>(method: string, path: string, o: ApiRequestOptions = {}): Promise<ApiAnswer<B>> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.session) {
      headers.cookie = o.session.cookie;
      const csrf = o.csrf === undefined ? o.session.csrfToken : o.csrf;
      if (csrf !== false && method !== 'GET') headers['x-csrf-token'] = csrf;
    }
    let body: string | undefined;
    if (o.rawBody !== undefined) body = o.rawBody;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(this.url(path, o.replica ?? 0), { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: the text
    }
    return { status: res.status, body: parsed as B, headers: res.headers };
  }
}
