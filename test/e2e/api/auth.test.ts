import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApi } from '../../support/api';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

describe('signing in, sessions, CSRF and API tokens (real api processes)', () => {
  const cp = new TestControlPlane();
  const api = new TestApi(cp, { API_SIGNIN_LIMIT_PER_MINUTE: '100' });
  beforeAll(async () => {
    await cp.start();
    await api.start(2);
  }, 120_000);
  afterAll(async () => {
    await api.stop();
    await cp.stop();
  });

  test('without a credential every API route answers 401 with the one error body, health and docs need none', async () => {
    for (const path of ['/api/v1/agents', '/api/v1/auth/me', '/api/v1/users', '/api/v1/tokens']) {
      const r = await api.request('GET', path);
      assert.equal(r.status, 401, path);
      assert.equal(r.body.code, 'AUTH.REQUIRED');
      assert.match(r.body.message, /sign in first/);
    }
    assert.equal((await api.request('POST', '/api/v1/agents', { body: { template: 'sim' } })).status, 401);
    assert.equal((await api.request('GET', '/health/live')).status, 200);
    assert.equal((await api.request('GET', '/api/docs-json')).status, 200);
  });

  test('sign-in sets an HttpOnly SameSite=Strict cookie; me names the user; a wrong password and an unknown user get the same 401', async () => {
    const password = await api.addUser('ada', 'operator');
    const ok = await api.request('POST', '/api/v1/auth/sign-in', { body: { name: 'ada', password } });
    assert.equal(ok.status, 200);
    const cookie = ok.headers.get('set-cookie')!;
    assert.match(cookie, /^sacp_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    assert.deepEqual(ok.body.user, { name: 'ada', role: 'operator' });
    const session = { cookie: cookie.split(';')[0]!, csrfToken: ok.body.csrfToken as string, name: 'ada' };
    const me = await api.request('GET', '/api/v1/auth/me', { session, replica: 1 });
    assert.equal(me.status, 200, 'a session made on one replica works on the other');
    assert.deepEqual({ ...me.body }, { kind: 'user', name: 'ada', role: 'operator', csrfToken: session.csrfToken });

    const wrong = await api.request('POST', '/api/v1/auth/sign-in', { body: { name: 'ada', password: 'not-the-password' } });
    const unknown = await api.request('POST', '/api/v1/auth/sign-in', { body: { name: 'nobody', password: 'not-the-password' } });
    assert.equal(wrong.status, 401);
    assert.deepEqual({ ...wrong.body }, { ...unknown.body });
    assert.equal(wrong.body.code, 'AUTH.FAILED');
    assert.equal(wrong.headers.get('set-cookie'), null);
  });

  test('a change made with a session needs its CSRF token and no other site as Origin', async () => {
    const s = await api.session('carol', 'operator');
    const noToken = await api.request('POST', '/api/v1/agents', { session: s, csrf: false, body: { template: 'sim', name: 'csrf-1' } });
    assert.equal(noToken.status, 403);
    assert.equal(noToken.body.code, 'AUTH.CSRF_INVALID');
    const forged = await api.request('POST', '/api/v1/agents', { session: s, csrf: 'x'.repeat(43), body: { template: 'sim', name: 'csrf-1' } });
    assert.equal(forged.body.code, 'AUTH.CSRF_INVALID');
    const crossSite = await api.request('POST', '/api/v1/agents', { session: s, headers: { origin: 'https://evil.example' }, body: { template: 'sim', name: 'csrf-1' } });
    assert.equal(crossSite.body.code, 'AUTH.CSRF_INVALID');
    assert.equal((await cp.status()).length, 0, 'nothing was deployed');
    const ok = await api.request('POST', '/api/v1/agents', { session: s, body: { template: 'sim', name: 'csrf-1', reason: 'testing CSRF' } });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    assert.equal(ok.body.result.name, 'csrf-1');
    assert.equal(ok.body.links.agent, '/api/v1/agents/csrf-1');
    const audit = await cp.query<{ actor: { kind: string; id: string } }[]>('audit.list', { commandType: 'agent.deploy' });
    assert.ok(audit.ok);
    assert.deepEqual({ ...audit.result[0]!.actor }, { kind: 'api', id: 'user:carol', displayName: 'carol' });
  });

  test('a bearer token works without CSRF; revoked, it stops on both replicas within a second; an expired one never works', async () => {
    const { token, tokenId } = await api.createToken('script-1', 'viewer');
    for (const replica of [0, 1]) assert.equal((await api.request('GET', '/api/v1/agents', { token, replica })).status, 200);
    const revoked = await cp.command('token.revoke', { tokenId });
    assert.ok(revoked.ok);
    const t0 = Date.now();
    for (const replica of [0, 1]) {
      await waitFor('the revoked token refused', async () => ((await api.request('GET', '/api/v1/agents', { token, replica })).status === 401 ? true : null), 5000, 50);
    }
    assert.ok(Date.now() - t0 < 1000, `refused after ${Date.now() - t0} ms`);
    const soon = new Date(Date.now() + 1500).toISOString();
    const expiring = await api.createToken('short-lived', 'viewer', { expiresAt: soon });
    assert.equal((await api.request('GET', '/api/v1/agents', { token: expiring.token })).status, 200);
    await new Promise((r) => setTimeout(r, 1600));
    const expired = await api.request('GET', '/api/v1/agents', { token: expiring.token });
    assert.equal(expired.status, 401);
    assert.equal(expired.body.code, 'AUTH.REQUIRED');
    assert.equal((await api.request('GET', '/api/v1/agents', { token: 'sacp_' + 'A'.repeat(43) })).status, 401);
    assert.equal((await api.request('GET', '/api/v1/agents', { headers: { authorization: 'Bearer ' + 'x'.repeat(5000) } })).status, 401);
  });

  test('sign-out ends the session on every replica', async () => {
    const s = await api.session('dave', 'viewer');
    const out = await api.request('POST', '/api/v1/auth/sign-out', { session: s });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie')!, /sacp_session=; .*Max-Age=0/);
    for (const replica of [0, 1]) assert.equal((await api.request('GET', '/api/v1/auth/me', { session: s, replica })).status, 401);
  });

  test("changing one's password ends the other sessions and gives this one a new cookie; the old password no longer works", async () => {
    const password = await api.addUser('erin', 'viewer');
    const a = await api.signIn('erin', password);
    const b = await api.signIn('erin', password, 1);
    const wrong = await api.request('POST', '/api/v1/auth/password', { session: a, body: { current: 'nope-nope-nope', next: 'a-brand-new-password' } });
    assert.equal(wrong.status, 401);
    const changed = await api.request('POST', '/api/v1/auth/password', { session: a, body: { current: password, next: 'a-brand-new-password' } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const renewed = { cookie: changed.headers.get('set-cookie')!.split(';')[0]!, csrfToken: changed.body.csrfToken as string, name: 'erin' };
    assert.equal((await api.request('GET', '/api/v1/auth/me', { session: b, replica: 1 })).status, 401);
    assert.equal((await api.request('GET', '/api/v1/auth/me', { session: a })).status, 401);
    assert.equal((await api.request('GET', '/api/v1/auth/me', { session: renewed })).status, 200);
    assert.equal((await api.request('POST', '/api/v1/auth/sign-in', { body: { name: 'erin', password } })).status, 401);
    await api.signIn('erin', 'a-brand-new-password');
    const history = await cp.query<{ type: string }[]>('audit.list', { commandType: 'user.set_password' });
    assert.ok(history.ok);
    assert.equal(history.result.length, 1, 'the refused attempt sent no command');
    assert.doesNotMatch(JSON.stringify(history.result), /a-brand-new-password/, 'the password is not in the audit trail');
  });

  test("a removed user's session ends at once", async () => {
    const s = await api.session('frank', 'viewer');
    assert.equal((await api.request('GET', '/api/v1/auth/me', { session: s })).status, 200);
    assert.ok((await cp.command('user.remove', { name: 'frank' })).ok);
    assert.equal((await api.request('GET', '/api/v1/auth/me', { session: s })).status, 401);
  });

  test('security headers, bounded and malformed bodies', async () => {
    const r = await api.request('GET', '/health/live');
    assert.match(r.headers.get('content-security-policy')!, /default-src 'self'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('x-powered-by'), null);
    const s = await api.session('gina', 'operator');
    const huge = await api.request('POST', '/api/v1/agents', { session: s, rawBody: JSON.stringify({ template: 'x'.repeat(400_000) }) });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.code, 'REQUEST.TOO_LARGE');
    const bad = await api.request('POST', '/api/v1/agents', { session: s, rawBody: '{"template": ' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'REQUEST.MALFORMED');
    const invalid = await api.request('POST', '/api/v1/agents', { session: s, body: { template: 'sim', name: 'Not A Name', extra: 1 } });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.code, 'REQUEST.INVALID');
    assert.match(invalid.body.message, /name/);
  });

  test('sign-in is rate limited per address', async () => {
    const limited = await new TestApi(cp, { API_SIGNIN_LIMIT_PER_MINUTE: '3' }).start();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await limited.request('POST', '/api/v1/auth/sign-in', { body: { name: 'ada', password: 'guessing-' + i } })).status);
      assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
      const r = await limited.request('POST', '/api/v1/auth/sign-in', { body: { name: 'ada', password: 'guessing' } });
      assert.equal(r.body.code, 'REQUEST.RATE_LIMITED');
    } finally {
      await limited.stop();
    }
  });
});

describe('the first admin from the environment', () => {
  const cp = new TestControlPlane();
  afterAll(async () => cp.stop());

  test('SACP_ADMIN_USER with SACP_ADMIN_PASSWORD_FILE adds the admin once, on a store with no user, whichever replica starts first', async () => {
    await cp.start();
    const dir = mkdtempSync(join(tmpdir(), 'sacp-admin-'));
    writeFileSync(join(dir, 'pw'), 'first-admin-password\n', { mode: 0o600 });
    const api = new TestApi(cp, { SACP_ADMIN_USER: 'root-admin', SACP_ADMIN_PASSWORD_FILE: join(dir, 'pw') });
    try {
      await api.start(2);
      const s = await waitFor('the first admin can sign in', async () => api.signIn('root-admin', 'first-admin-password').catch(() => null), 20_000, 200);
      const me = await api.request('GET', '/api/v1/auth/me', { session: s });
      assert.equal(me.body.role, 'admin');
      const users = await cp.query<{ name: string }[]>('user.list', {});
      assert.ok(users.ok);
      assert.deepEqual(
        users.result.map((u) => u.name),
        ['root-admin'],
      );
    } finally {
      await api.stop();
    }
  });
});
