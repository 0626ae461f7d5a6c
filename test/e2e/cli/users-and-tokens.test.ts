import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { CredentialRepository, CredentialVerifier } from '@sacp/event-store';
import { Subjects, type CommandReply } from '@sacp/events';
import { TestControlPlane } from '../../support/control-plane';
import { testDataSource } from '../../support/event-store';
import { explain, parseTable, sacp } from './sacp';

const PASSWORD = 'e2e-password-not-in-any-event';

/** Users and API tokens from the CLI against a real orchestrator, checked by the verifier the API will use. */
describe('sacp user and sacp token', () => {
  let cp: TestControlPlane;
  let env: Record<string, string>;
  let dataSource: DataSource;
  let verifier: CredentialVerifier;
  let token = '';
  let tokenId = '';
  const run = (...args: string[]) => sacp(args, { env });

  beforeAll(async () => {
    cp = await new TestControlPlane().start();
    env = { ...cp.cliEnv, SACP_ACTOR: 'root-operator' };
    dataSource = await testDataSource(cp.databaseUrl);
    verifier = new CredentialVerifier(new CredentialRepository(dataSource));
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await cp?.stop();
  });

  test('the first admin is added with --admin, the password read from stdin, and can sign in', async () => {
    const r = await sacp(['user', 'add', 'alice', '--admin', '--reason', 'first admin'], { env, input: `${PASSWORD}\n` });
    assert.equal(r.code, 0, explain(r));
    assert.equal(r.stdout, 'user "alice" added with the role admin\n');
    assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD), 'the password is never printed');
    const v = await verifier.verifyPassword('alice', PASSWORD);
    assert.equal(v.ok && v.principal.role, 'admin');
    assert.equal((await verifier.verifyPassword('alice', 'not-the-password')).ok, false);
    const list = await run('user', 'list');
    assert.equal(list.code, 0, explain(list));
    assert.deepEqual(
      parseTable(list.stdout).map((row) => [row.NAME, row.ROLE]),
      [['alice', 'admin']],
    );
  });

  test('a second user with the same name is refused with a clear error', async () => {
    const r = await sacp(['user', 'add', 'alice', '--role', 'viewer'], { env, input: 'another-long-password\n' });
    assert.equal(r.code, 1, explain(r));
    assert.match(r.stderr, /USER\.NAME_IN_USE: a user named "alice" exists already \(role admin\); choose another name/);
  });

  test('a short password and a missing role are usage errors, sent nowhere', async () => {
    const short = await sacp(['user', 'add', 'bob', '--role', 'viewer'], { env, input: 'short\n' });
    assert.equal(short.code, 2, explain(short));
    assert.match(short.stderr, /password is shorter than 12 characters/);
    const noRole = await sacp(['user', 'add', 'bob'], { env, input: `${PASSWORD}\n` });
    assert.equal(noRole.code, 2, explain(noRole));
    assert.match(noRole.stderr, /give the role: --role viewer\|operator\|admin, or --admin/);
  });

  test('a malformed user.add sent by a tool is refused, and its password is not kept in the audit', async () => {
    const envelope = {
      type: 'user.add',
      version: 1,
      commandId: 'e2e-malformed-user',
      actor: { kind: 'cli', id: 'tool', displayName: 'tool' },
      source: 'e2e',
      payload: { name: 'carol', role: 'owner', password: PASSWORD },
    };
    const reply = JSON.parse((await cp.nc.request(Subjects.command('user.add', 'cli'), JSON.stringify(envelope), { timeout: 10_000 })).string()) as CommandReply;
    assert.equal(reply.ok, false);
    assert.match(JSON.stringify(reply), /COMMAND\.MALFORMED.*the role is viewer, operator or admin/);
    const { rows } = await cp.pool.query<{ payload: unknown }>("select payload from command_audit where command_id = 'e2e-malformed-user'");
    assert.deepEqual(rows, [{ payload: null }]);
  });

  test('the last admin can be neither demoted nor removed', async () => {
    const r = await run('user', 'set-role', 'alice', 'viewer');
    assert.equal(r.code, 1, explain(r));
    assert.match(r.stderr, /USER\.LAST_ADMIN: .*last admin; add another admin first/);
    const rm = await run('user', 'remove', 'alice');
    assert.equal(rm.code, 1, explain(rm));
  });

  test('a token is printed once, works through the verifier, and is refused once revoked', async () => {
    const r = await run('token', 'create', '--name', 'deploy-script', '--role', 'operator', '--user', 'alice', '--expires', '30d', '--json');
    assert.equal(r.code, 0, explain(r));
    const created = JSON.parse(r.stdout) as { token: string; tokenId: string; role: string; expiresAt: string };
    ({ token, tokenId } = created);
    assert.match(token, /^sacp_[A-Za-z0-9_-]{43}$/);
    assert.ok(Math.abs(Date.parse(created.expiresAt) - (Date.now() + 30 * 86_400_000)) < 120_000, created.expiresAt);
    const plain = await run('token', 'create', '--name', 'reader', '--role', 'viewer');
    assert.equal(plain.code, 0, explain(plain));
    assert.match(plain.stdout, /^sacp_\S+\n$/);
    assert.match(plain.stderr, /will not be shown again/);

    const v = await verifier.verifyToken(token);
    assert.deepEqual(v, { ok: true, principal: { kind: 'token', tokenId, name: 'deploy-script', role: 'operator', user: 'alice' } });
    const listed = await run('token', 'list');
    assert.equal(listed.code, 0, explain(listed));
    const row = parseTable(listed.stdout).find((t) => t.ID === tokenId);
    assert.ok(row && row.STATE === 'live' && row['LAST USED'] !== '-', listed.stdout);

    const revoked = await run('token', 'revoke', tokenId, '--reason', 'leaked in a log');
    assert.equal(revoked.code, 0, explain(revoked));
    assert.deepEqual(await verifier.verifyToken(token), { ok: false, refusal: 'revoked' });
    const again = await run('token', 'revoke', tokenId);
    assert.equal(again.code, 1, explain(again));
    assert.match(again.stderr, /TOKEN\.REVOKED: .*revoked already/);
  });

  test('an expiry in the past is refused by the control plane, one it cannot read by the CLI', async () => {
    const past = await run('token', 'create', '--name', 'past', '--role', 'viewer', '--expires', '2020-01-01T00:00:00Z');
    assert.equal(past.code, 1, explain(past));
    assert.match(past.stderr, /TOKEN\.INVALID: the token's expiry 2020-01-01T00:00:00\.000Z is not in the future/);
    const vague = await run('token', 'create', '--name', 'vague', '--role', 'viewer', '--expires', 'soon');
    assert.equal(vague.code, 2, explain(vague));
    assert.match(vague.stderr, /--expires soon: give a duration \(90m, 12h, 30d, 2w\) or an ISO time/);
    const listed = await run('token', 'list', '--all', '--json');
    assert.equal(listed.code, 0, explain(listed));
    for (const t of JSON.parse(listed.stdout) as Record<string, unknown>[])
      assert.deepEqual(Object.keys(t).sort(), ['createdAt', 'expiresAt', 'lastUsedAt', 'name', 'revokedAt', 'role', 'tokenId', 'user']);
  });

  test('a token is shown once: the same command sent again gets the recorded outcome without the token', async () => {
    const args = ['--command-id', 'e2e-token-once', 'token', 'create', '--name', 'once', '--role', 'viewer'];
    const first = await run(...args);
    assert.equal(first.code, 0, explain(first));
    const again = await run(...args);
    assert.equal(again.code, 1, explain(again));
    assert.match(again.stderr, /was created by an earlier delivery of this command.*cannot be shown again: revoke it \(sacp token revoke \S+\)/);
    assert.equal(again.stdout, '');
  });

  test('the audit trail shows who did what, and no password, hash or token is in any event or audit entry', async () => {
    const audit = await run('audit', '--json');
    assert.equal(audit.code, 0, explain(audit));
    const entries = JSON.parse(audit.stdout) as { commandType: string; outcome: string; actor: string | { id: string } }[];
    const accepted = entries.filter((e) => e.outcome === 'accepted').map((e) => e.commandType);
    for (const t of ['user.add', 'token.create', 'token.revoke']) assert.ok(accepted.includes(t), `${t} in ${accepted.join(', ')}`);
    assert.ok(audit.stdout.includes('root-operator'), 'the audit names the actor');
    const { rows: events } = await cp.pool.query<{ type: string; body: string }>(
      "select type, data::text || metadata::text as body from events where type like 'user.%' or type like 'token.%' order by global_position",
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ['user.added', 'token.created', 'token.created', 'token.revoked', 'token.created'],
    );
    assert.ok(
      events.every((e) => e.body.includes('root-operator')),
      'each event names who did it',
    );
    const { rows: hashes } = await cp.pool.query<{ h: string }>("select password_hash as h from user_credentials union all select encode(token_hash, 'hex') from api_tokens");
    const secrets = [PASSWORD, token, ...hashes.map((h) => h.h)];
    for (const table of ['events', 'command_audit', 'commands']) {
      const { rows } = await cp.pool.query<{ body: string }>(`select t::text as body from ${table} t`);
      for (const { body } of rows) for (const s of secrets) assert.ok(!body.includes(s), `${table} holds a secret: ${body.slice(0, 300)}`);
    }
  });
});
