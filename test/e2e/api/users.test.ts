import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestApi, type TestSession } from '../../support/api';
import { TestControlPlane } from '../../support/control-plane';

describe('users and tokens over HTTP, as an admin (real api and orchestrator)', () => {
  const cp = new TestControlPlane();
  const api = new TestApi(cp);
  let admin: TestSession;
  beforeAll(async () => {
    await cp.start();
    await api.start();
    admin = await api.session('root', 'admin');
  }, 120_000);
  afterAll(async () => {
    await api.stop();
    await cp.stop();
  });

  test('add a user, who signs in; change the role, which applies to their session at once; set the password; remove them', async () => {
    const added = await api.request('POST', '/api/v1/users', { session: admin, body: { name: 'olga', role: 'viewer', password: 'olga-first-password' } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.deepEqual({ ...added.body.result, userId: 'x' }, { userId: 'x', name: 'olga', role: 'viewer', changed: true });
    const list = await api.request('GET', '/api/v1/users', { session: admin });
    assert.deepEqual(
      list.body.items.map((u: { name: string; role: string }) => `${u.name}:${u.role}`),
      ['olga:viewer', 'root:admin'],
    );
    assert.doesNotMatch(JSON.stringify(list.body), /argon2|password/i, 'no hash is listed');
    const olga = await api.signIn('olga', 'olga-first-password');
    assert.equal((await api.request('POST', '/api/v1/agents/x/stop', { session: olga })).status, 403);

    const promoted = await api.request('PATCH', '/api/v1/users/olga', { session: admin, body: { role: 'operator' } });
    assert.equal(promoted.status, 200);
    assert.equal((await api.request('GET', '/api/v1/auth/me', { session: olga })).body.role, 'operator', 'the new role applies to the open session');
    assert.equal((await api.request('POST', '/api/v1/agents/x/stop', { session: olga })).status, 404, 'reaches the orchestrator now');

    const reset = await api.request('PUT', '/api/v1/users/olga/password', { session: admin, body: { password: 'olga-second-password' } });
    assert.equal(reset.status, 200);
    assert.equal((await api.request('GET', '/api/v1/auth/me', { session: olga })).status, 401, 'a password set by an admin ends the sessions');
    const again = await api.signIn('olga', 'olga-second-password');

    const removed = await api.request('DELETE', '/api/v1/users/olga', { session: admin });
    assert.equal(removed.status, 200);
    assert.equal((await api.request('GET', '/api/v1/auth/me', { session: again })).status, 401);
    const events = await cp.pool.query<{ type: string; actor: string }>(
      "select type, metadata->'actor'->>'id' as actor from events where stream_id = 'users' and data->>'name' = 'olga' order by global_position",
    );
    assert.deepEqual(
      events.rows.map((e) => `${e.type} by ${e.actor}`),
      ['user.added by user:root', 'user.role_changed by user:root', 'user.password_changed by user:root', 'user.removed by user:root'],
    );
  });

  test('user errors: a taken name 409, a short password or a bad role 400 naming the field, an unknown user 404, the last admin 409', async () => {
    const taken = await api.request('POST', '/api/v1/users', { session: admin, body: { name: 'root', role: 'viewer', password: 'long-enough-password' } });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.code, 'USER.NAME_IN_USE');
    const short = await api.request('POST', '/api/v1/users', { session: admin, body: { name: 'pat', role: 'viewer', password: 'short' } });
    assert.equal(short.status, 400);
    assert.equal(short.body.details.issues[0].field, 'password');
    const role = await api.request('POST', '/api/v1/users', { session: admin, body: { name: 'pat', role: 'god', password: 'long-enough-password' } });
    assert.equal(role.body.details.issues[0].field, 'role');
    assert.equal((await api.request('PATCH', '/api/v1/users/nobody', { session: admin, body: { role: 'viewer' } })).body.code, 'USER.NOT_FOUND');
    const last = await api.request('DELETE', '/api/v1/users/root', { session: admin });
    assert.equal(last.status, 409);
    assert.equal(last.body.code, 'USER.LAST_ADMIN');
    assert.equal((await api.request('PATCH', '/api/v1/users/root', { session: admin, body: { role: 'operator' } })).body.code, 'USER.LAST_ADMIN');
  });

  test('a token is shown once in its 201, works as Bearer, is listed without its secret, and stops when revoked', async () => {
    const created = await api.request('POST', '/api/v1/tokens', {
      session: admin,
      body: { name: 'ci-deploy', role: 'operator', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const token = created.body.result.token as string;
    assert.match(token, /^sacp_[A-Za-z0-9_-]{43}$/);
    const tokenId = created.body.result.tokenId as string;
    assert.equal((await api.request('GET', '/api/v1/agents', { token })).status, 200);
    const listed = await api.request('GET', '/api/v1/tokens', { session: admin });
    const row = listed.body.items.find((t: { tokenId: string }) => t.tokenId === tokenId);
    assert.equal(row.name, 'ci-deploy');
    assert.equal(typeof row.lastUsedAt, 'string', 'its use is recorded');
    assert.ok(!JSON.stringify(listed.body).includes(token), 'the token is never listed');
    const events = await cp.pool.query<{ data: unknown }>("select data from events where type = 'token.created'");
    assert.ok(!JSON.stringify(events.rows).includes(token), 'nor in an event');

    const dup = await api.request('POST', '/api/v1/tokens', { session: admin, body: { name: 'ci-deploy', role: 'viewer' } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.code, 'TOKEN.NAME_IN_USE');
    const past = await api.request('POST', '/api/v1/tokens', { session: admin, body: { name: 'old', role: 'viewer', expiresAt: '2020-01-01T00:00:00Z' } });
    assert.equal(past.status, 400);
    assert.equal(past.body.code, 'TOKEN.INVALID');

    const revoked = await api.request('DELETE', `/api/v1/tokens/${tokenId}`, { session: admin });
    assert.equal(revoked.status, 200);
    assert.equal((await api.request('GET', '/api/v1/agents', { token })).status, 401);
    assert.equal((await api.request('DELETE', `/api/v1/tokens/${tokenId}`, { session: admin })).body.code, 'TOKEN.REVOKED');
    assert.equal((await api.request('DELETE', '/api/v1/tokens/no-such-token', { session: admin })).status, 404);
    const all = await api.request('GET', '/api/v1/tokens?all=true', { session: admin });
    assert.equal(typeof all.body.items.find((t: { tokenId: string }) => t.tokenId === tokenId).revokedAt, 'string');
    assert.equal((await api.request('GET', '/api/v1/tokens', { session: admin })).body.items.length, 0);
  });

  test('an Idempotency-Key makes a retried token creation one token, and the retry does not show the token again', async () => {
    const headers = { 'idempotency-key': 'make-nightly-token' };
    const first = await api.request('POST', '/api/v1/tokens', { session: admin, headers, body: { name: 'nightly', role: 'viewer' } });
    const again = await api.request('POST', '/api/v1/tokens', { session: admin, headers, body: { name: 'nightly', role: 'viewer' } });
    assert.equal(first.status, 201);
    assert.equal(again.body.duplicate, true);
    assert.equal(again.body.result.tokenId, first.body.result.tokenId);
    assert.match(first.body.result.token, /^sacp_/);
    assert.equal(again.body.result.token, undefined, 'shown once');
    const nightly = (await api.request('GET', '/api/v1/tokens', { session: admin })).body.items.filter((t: { name: string }) => t.name === 'nightly');
    assert.equal(nightly.length, 1);
  });

  test("a token made by an admin for a user cannot hold more than that user's role", async () => {
    await api.addUser('vic', 'viewer');
    const r = await api.request('POST', '/api/v1/tokens', { session: admin, body: { name: 'vic-script', role: 'admin', user: 'vic' } });
    assert.equal(r.status, 400);
    assert.match(r.body.message, /cannot have the role admin/);
  });
});
