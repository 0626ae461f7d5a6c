import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { validate } from '@readme/openapi-parser';
import WebSocket from 'ws';
import { TestApi, type TestSession } from '../../support/api';
import { TestControlPlane } from '../../support/control-plane';

type Need = 'public' | 'viewer' | 'operator' | 'admin';

/**
 * Every route of the API and the least role it needs. The OpenAPI document must list
 * exactly these: a new route without a row here fails the first test.
 */
const ROUTES: Record<string, Need> = {
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /metrics': 'public',
  'POST /api/v1/auth/sign-in': 'public',
  'POST /api/v1/auth/sign-out': 'public',
  'GET /api/v1/auth/me': 'viewer',
  'POST /api/v1/auth/password': 'viewer',
  'GET /api/v1/agents': 'viewer',
  'GET /api/v1/agents/{agent}': 'viewer',
  'GET /api/v1/agents/{agent}/logs': 'viewer',
  'GET /api/v1/agents/{agent}/logs/stream': 'viewer',
  'GET /api/v1/agents/{agent}/history': 'viewer',
  'GET /api/v1/agents/{agent}/why': 'viewer',
  'POST /api/v1/agents': 'operator',
  'POST /api/v1/agents/adopt': 'operator',
  'POST /api/v1/agents/{agent}/start': 'operator',
  'POST /api/v1/agents/{agent}/stop': 'operator',
  'POST /api/v1/agents/{agent}/restart': 'operator',
  'DELETE /api/v1/agents/{agent}': 'operator',
  'GET /api/v1/commands/{commandId}': 'viewer',
  'GET /api/v1/timeline': 'viewer',
  'GET /api/v1/templates': 'viewer',
  'POST /api/v1/templates/validate': 'viewer',
  'GET /api/v1/templates/{name}': 'viewer',
  'GET /api/v1/templates/{name}/versions': 'viewer',
  'GET /api/v1/templates/{name}/versions/{version}': 'viewer',
  'GET /api/v1/templates/{name}/diff': 'viewer',
  'GET /api/v1/audit': 'viewer',
  'GET /api/v1/alerts': 'viewer',
  'POST /api/v1/alerts/{key}/acknowledge': 'operator',
  'GET /api/v1/resources': 'viewer',
  'GET /api/v1/volumes': 'viewer',
  'DELETE /api/v1/volumes/{volume}': 'operator',
  'GET /api/v1/logs': 'viewer',
  'GET /api/v1/users': 'admin',
  'POST /api/v1/users': 'admin',
  'PATCH /api/v1/users/{name}': 'admin',
  'PUT /api/v1/users/{name}/password': 'admin',
  'DELETE /api/v1/users/{name}': 'admin',
  'GET /api/v1/tokens': 'admin',
  'POST /api/v1/tokens': 'admin',
  'DELETE /api/v1/tokens/{id}': 'admin',
  'GET /api/v1/teams': 'viewer',
  'GET /api/v1/teams/{team}': 'viewer',
  'GET /api/v1/teams/{team}/activity': 'viewer',
  'GET /api/v1/agents/{agent}/activity': 'viewer',
  'POST /api/v1/teams': 'operator',
  'PATCH /api/v1/teams/{team}': 'operator',
  'DELETE /api/v1/teams/{team}': 'operator',
  'POST /api/v1/teams/{team}/members': 'operator',
  'DELETE /api/v1/teams/{team}/members/{agent}': 'operator',
  'POST /api/v1/teams/{team}/deploy': 'operator',
  'POST /api/v1/teams/{team}/stop': 'operator',
  'GET /api/v1/tasks': 'viewer',
  'GET /api/v1/tasks/{taskId}': 'viewer',
  'POST /api/v1/tasks': 'operator',
  'POST /api/v1/tasks/{taskId}/cancel': 'operator',
};

const RANK = { viewer: 0, operator: 1, admin: 2 } as const;
/** Path parameters naming nothing that exists: an allowed caller gets a 404 or 400, never a change. */
const PARAMS: Record<string, string> = {
  agent: 'nobody',
  commandId: 'no-such-command',
  name: 'nobody',
  version: '1',
  key: 'no-such-alert',
  id: 'no-such-token',
  volume: 'no-such-volume',
  team: 'nobody',
  taskId: '00000000-0000-4000-8000-000000000000',
};
/** Bodies that pass validation where a route would otherwise stop at it before its own check. */
const BODIES: Record<string, unknown> = { 'POST /api/v1/auth/password': { current: 'not-the-password', next: 'long-enough-new-password' } };
const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_m, p: string) => PARAMS[p]!);

describe('who may call what: every route × viewer, operator, admin, a revoked token, an expired token, no credential', () => {
  const cp = new TestControlPlane();
  const api = new TestApi(cp, { API_SIGNIN_LIMIT_PER_MINUTE: '1000', API_COMMAND_LIMIT_PER_MINUTE: '10000' });
  const sessions = {} as Record<keyof typeof RANK, TestSession>;
  const tokens = {} as Record<keyof typeof RANK | 'revoked' | 'expired', string>;
  beforeAll(async () => {
    await cp.start();
    await api.start();
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      sessions[role] = await api.session(`matrix-${role}`, role);
      tokens[role] = (await api.createToken(`matrix-${role}`, role)).token;
    }
    const revoked = await api.createToken('matrix-revoked', 'admin');
    assert.ok((await cp.command('token.revoke', { tokenId: revoked.tokenId })).ok);
    tokens.revoked = revoked.token;
    tokens.expired = (await api.createToken('matrix-expired', 'admin', { expiresAt: new Date(Date.now() + 1000).toISOString() })).token;
    await new Promise((r) => setTimeout(r, 1100));
  }, 120_000);
  afterAll(async () => {
    await api.stop();
    await cp.stop();
  });

  test('the OpenAPI 3.1 document validates and lists exactly the routes of this matrix', async () => {
    const doc = (await api.request('GET', '/api/docs-json')).body;
    assert.equal(doc.openapi, '3.1.0');
    const result = await validate(structuredClone(doc));
    assert.ok(result.valid, JSON.stringify(result));
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    assert.deepEqual(listed.sort(), Object.keys(ROUTES).sort());
    // bodies and query strings are documented from the schemas that check them
    const deploy = doc.paths['/api/v1/agents'].post.requestBody.content['application/json'].schema;
    assert.deepEqual([...deploy.required], ['template']);
    assert.deepEqual(Object.keys(deploy.properties).sort(), ['name', 'reason', 'role', 'team', 'template']);
    const listParams = doc.paths['/api/v1/agents'].get.parameters.map((p: { name: string }) => p.name);
    for (const name of ['at', 'desired', 'observed', 'template', 'health', 'q', 'cursor', 'limit']) assert.ok(listParams.includes(name), name);
    assert.equal((await api.request('GET', '/api/docs')).status, 200, 'the page that shows it');
  });

  const call = (route: string, who: { session?: TestSession; token?: string }) => {
    const [method, path] = route.split(' ') as [string, string];
    return api.request(method, fill(path), { ...who, ...(method === 'GET' || method === 'DELETE' ? {} : { body: BODIES[route] ?? {} }) });
  };

  for (const via of ['session', 'token'] as const) {
    test(`by ${via}: each role reaches the routes of its rank and gets 403 ROLE_FORBIDDEN on the others`, async () => {
      const wrong: string[] = [];
      for (const [route, need] of Object.entries(ROUTES)) {
        if (need === 'public') continue;
        for (const role of ['viewer', 'operator', 'admin'] as const) {
          const r = await call(route, via === 'session' ? { session: sessions[role] } : { token: tokens[role] });
          const allowed = RANK[role] >= RANK[need];
          // a token has no password to change: that route refuses tokens whatever their role
          if (via === 'token' && route === 'POST /api/v1/auth/password') {
            if (r.status !== 403 || r.body.code !== 'AUTH.NOT_A_USER') wrong.push(`${route} as ${role} token: ${r.status}`);
            continue;
          }
          // AUTH.FAILED is the password route's answer to a wrong current password: the route was reached
          if (allowed && (r.status === 403 || r.body?.code === 'AUTH.REQUIRED' || r.body?.code === 'REQUEST.NOT_FOUND'))
            wrong.push(`${route} as ${role}: ${r.status} ${r.body?.code}`);
          if (!allowed && (r.status !== 403 || r.body.code !== 'AUTH.ROLE_FORBIDDEN')) wrong.push(`${route} as ${role}: ${r.status} ${r.body?.code}, expected 403`);
        }
      }
      assert.deepEqual(wrong, []);
    });
  }

  test('a revoked token, an expired token and no credential get 401 on every route but the public ones', async () => {
    const wrong: string[] = [];
    for (const [route, need] of Object.entries(ROUTES)) {
      for (const [who, creds] of [
        ['revoked', { token: tokens.revoked }],
        ['expired', { token: tokens.expired }],
        ['nobody', {}],
      ] as const) {
        const r = await call(route, creds);
        if (need === 'public' ? r.status === 401 : r.status !== 401 || r.body.code !== 'AUTH.REQUIRED') wrong.push(`${route} as ${who}: ${r.status}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('the WebSocket: any role may watch; a revoked, an expired or no token is refused at the upgrade', async () => {
    const upgrade = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(api.url('/api/v1/live').replace('http', 'ws'), { headers });
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('error', () => resolve(-1));
      });
    for (const role of ['viewer', 'operator', 'admin'] as const) assert.equal(await upgrade({ authorization: `Bearer ${tokens[role]}` }), 101, role);
    for (const role of ['viewer', 'admin'] as const) assert.equal(await upgrade({ cookie: sessions[role].cookie, origin: api.url() }), 101, `${role} session`);
    assert.equal(await upgrade({ authorization: `Bearer ${tokens.revoked}` }), 401);
    assert.equal(await upgrade({ authorization: `Bearer ${tokens.expired}` }), 401);
    assert.equal(await upgrade({}), 401);
  });
});
