import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { natsServerConfig, permissionsFor, credentialPath, ensureCredential, initBus, listCredentials, removeCredential } from '@sacp/bus';

const settings = { host: '127.0.0.1', port: 4222, storeDir: '/var/lib/sacp/nats' };

describe('nats-server config generator', () => {
  test('one user per credential, with its permissions; same input, same text', () => {
    const creds = [
      { user: 'monitor', password: 'pw-m', role: 'monitor' as const },
      { user: 'cli', password: 'pw-c', role: 'cli' as const },
    ];
    const text = natsServerConfig(settings, creds);
    assert.equal(text, natsServerConfig(settings, [...creds].reverse()));
    const config = JSON.parse(text.slice(text.indexOf('{'))) as {
      listen: string;
      max_payload: number;
      jetstream: { store_dir: string };
      authorization: { users: { user: string; permissions: { publish: { allow: string[] } } }[] };
    };
    assert.equal(config.listen, '127.0.0.1:4222');
    assert.equal(config.max_payload, 1024 * 1024);
    assert.equal(config.jetstream.store_dir, '/var/lib/sacp/nats');
    assert.deepEqual(
      config.authorization.users.map((u) => u.user),
      ['cli', 'monitor'],
    );
    assert.ok(config.authorization.users[0]!.permissions.publish.allow.includes('sacp.cmd.agent.deploy.cli'));
  });

  test('inboxes are private: each credential subscribes only under _INBOX.<its user>', () => {
    for (const role of ['orchestrator', 'monitor', 'discord-gateway', 'api', 'cli', 'reader'] as const) {
      const inboxes = permissionsFor({ user: `u-${role}`, password: 'x', role }).subscribe.allow.filter((s) => s.startsWith('_INBOX'));
      assert.deepEqual(inboxes, [`_INBOX.u-${role}.>`], role);
    }
  });

  test("an agent's credential reaches only its own protocol subjects and inbox; a malformed one reaches nothing", () => {
    const id = '0b1c5e9e-3f6a-4f7e-9d2a-1c2b3d4e5f60';
    assert.deepEqual(permissionsFor({ user: `agent-${id}`, password: 'x', role: 'agent' }), {
      publish: { allow: [`sacp.agent.${id}.out.>`] },
      subscribe: { allow: [`sacp.agent.${id}.in.>`, `_INBOX.agent-${id}.>`] },
      allowResponses: true,
    });
    for (const user of ['agent-*', 'agent->', 'agent-x', 'someone'])
      assert.deepEqual(permissionsFor({ user, password: 'x', role: 'agent' }), {
        publish: { allow: ['_SACP.NOTHING'] },
        subscribe: { allow: ['_SACP.NOTHING'] },
        allowResponses: false,
      });
    const orchestrator = permissionsFor({ user: 'orchestrator', password: 'x', role: 'orchestrator' });
    assert.ok(orchestrator.publish.allow.includes('sacp.agent.*.in.>'));
    assert.ok(orchestrator.subscribe.allow.includes('sacp.agent.*.out.>'));
  });

  test('credentials are created once, mode 600, and kept on the next init', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sacp-bus-'));
    try {
      const first = initBus(dir, { host: '127.0.0.1', port: 4222 });
      assert.deepEqual(first.created.sort(), ['api', 'cli', 'discord-gateway', 'monitor', 'orchestrator']);
      assert.equal(statSync(credentialPath(dir, 'monitor')).mode & 0o777, 0o600);
      assert.equal(statSync(first.configPath).mode & 0o777, 0o600);
      const before = readFileSync(credentialPath(dir, 'monitor'), 'utf8');
      const second = initBus(dir, { host: '127.0.0.1', port: 4222 });
      assert.deepEqual([second.created, second.changed], [[], false]);
      assert.equal(readFileSync(credentialPath(dir, 'monitor'), 'utf8'), before);
      ensureCredential(dir, 'grafana', 'reader');
      assert.equal(listCredentials(dir).length, 6);
      assert.equal(removeCredential(dir, 'grafana'), true);
      assert.equal(removeCredential(dir, 'grafana'), false);
      assert.equal(listCredentials(dir).length, 5);
      assert.throws(() => ensureCredential(dir, '../etc', 'reader'), /not a valid credential name/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
