import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestControlPlane } from '../../support/control-plane';

/**
 * The real orchestrator refuses a host path that is a symlink out of an allowed
 * directory, mounts an allowed one by its real path, and refuses at deploy a template
 * that names a secret it is not granted.
 */
describe('container policy and secret grants in the orchestrator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sacp-policy-e2e-'));
  const allowed = join(dir, 'allowed');
  const agents = join(dir, 'configs/agents');
  let cp: TestControlPlane;
  // an image that runs as root because it says so: the sim agent with USER root
  const rootImage = `sacp-test/rootful:${randomUUID().slice(0, 8)}`;

  const template = (name: string, body: Record<string, unknown>) =>
    writeFileSync(
      join(agents, `${name}.json`),
      JSON.stringify({ name, image: 'sacp/sim-agent:latest', resources: { memory: '64m', cpus: 0.25, pids: 64 }, security: { user: '1000' }, stopTimeoutSeconds: 2, ...body }),
    );

  beforeAll(async () => {
    mkdirSync(join(allowed, 'models'), { recursive: true });
    mkdirSync(agents, { recursive: true });
    symlinkSync('/', join(allowed, 'escape'));
    symlinkSync(join(allowed, 'models'), join(allowed, 'models-link'));
    template('linked', { volumes: [{ hostPath: join(allowed, 'escape'), target: '/host' }] });
    template('mounted', { volumes: [{ hostPath: join(allowed, 'models-link'), target: '/models' }] });
    template('keyed', { env: { API_KEY: { secretRef: 'test-api-key' } } });
    template('other-keyed', { env: { STOLEN: { secretRef: 'test-api-key' } } });
    template('rootful', { image: rootImage, security: {} });
    execFileSync('docker', ['build', '-q', '-t', rootImage, '-'], { input: 'FROM sacp/sim-agent:latest\nUSER root\n', stdio: ['pipe', 'ignore', 'inherit'] });
    cp = await new TestControlPlane({ configDir: join(dir, 'configs'), env: { SACP_ALLOWED_HOST_PATHS: allowed } }).start();
  });

  afterAll(async () => {
    await cp?.stop();
    try {
      execFileSync('docker', ['rmi', '-f', rootImage], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('a host path under an allowed directory that is a symlink to / is refused at deploy, naming the field and the real path', async () => {
    const r = await cp.command('agent.deploy', { template: 'linked', name: 'linked-1' });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, 'POLICY.VIOLATION');
    assert.match(
      r.error.message,
      /agents\/linked\.json: volumes\.0\.hostPath: host path .*\/allowed\/escape may not be mounted: it is the host's root directory \(it resolves to \/, symlinks followed\)/,
    );
    assert.deepEqual(await cp.containers(), [], 'no container was created');
  });

  test('an allowed host path reached through a symlink is mounted by its real path', async () => {
    const agentId = await cp.deploy('mounted', 'mounted-1');
    const view = await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running');
    const info = await cp.docker['client'].api.getContainer(view.containerId!).inspect();
    const mount = info.Mounts.find((m) => m.Destination === '/models');
    assert.equal(mount?.Source, realpathSync(join(allowed, 'models')));
    assert.equal(mount?.RW, false, 'host paths are read-only unless the template says otherwise');
  });

  test('a secret is usable only by the templates it is granted to: any other is refused at deploy', async () => {
    const value = `sk-grant-${randomUUID()}`;
    const set = await cp.command<{ templates: string[] }>('secret.set', { name: 'test-api-key', value, templates: ['keyed'] });
    assert.ok(set.ok, JSON.stringify(set));
    assert.deepEqual(set.result.templates, ['keyed']);
    const { rows } = await cp.pool.query("select data from events where type = 'secret.granted'");
    assert.deepEqual(rows, [{ data: { name: 'test-api-key', templates: ['keyed'] } }], 'the grant is an event');

    const refused = await cp.command('agent.deploy', { template: 'other-keyed', name: 'thief' });
    assert.equal(refused.ok, false);
    if (refused.ok) return;
    assert.equal(refused.error.code, 'SECRET.NOT_GRANTED');
    assert.equal(
      refused.error.message,
      'template "other-keyed" may not use secret "test-api-key": it is granted to keyed; an admin grants it with: sacp secret grant test-api-key --templates keyed,other-keyed',
    );
    const audit = await cp.pool.query("select outcome, error_code from command_audit where command_type = 'agent.deploy' and error_code = 'SECRET.NOT_GRANTED'");
    assert.deepEqual(audit.rows, [{ outcome: 'rejected', error_code: 'SECRET.NOT_GRANTED' }]);

    const agentId = await cp.deploy('keyed', 'keyed-1');
    const running = await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running with its secret');
    const info = await cp.docker['client'].api.getContainer(running.containerId!).inspect();
    assert.ok(info.Config.Env.includes(`API_KEY=${value}`));

    // a new value without templates keeps the grant; templates without a value change only the grant
    const again = await cp.command<{ version: number; templates: string[] }>('secret.set', { name: 'test-api-key', value: `${value}-2` });
    assert.ok(again.ok && again.result.version === 2 && again.result.templates.includes('keyed'), JSON.stringify(again));
    const widened = await cp.command<{ version: number; templates: string[] }>('secret.set', { name: 'test-api-key', templates: ['keyed', 'other-keyed'] });
    assert.ok(widened.ok && widened.result.version === 2, JSON.stringify(widened));
    assert.deepEqual(widened.result.templates, ['keyed', 'other-keyed']);
    assert.ok(await cp.deploy('other-keyed', 'granted-1'));
    const revoked = await cp.command<{ templates: string[] }>('secret.set', { name: 'test-api-key', templates: [] });
    assert.ok(revoked.ok && revoked.result.templates.length === 0);
    const nobody = await cp.command('agent.deploy', { template: 'keyed', name: 'keyed-2' });
    assert.ok(!nobody.ok && nobody.error.code === 'SECRET.NOT_GRANTED' && /it is granted to no template/.test(nobody.error.message), JSON.stringify(nobody));
    const stored = await cp.pool.query("select type from events where stream_id = 'secret-test-api-key' order by stream_position");
    assert.deepEqual(
      stored.rows.map((r) => r.type),
      ['secret.set', 'secret.granted', 'secret.set', 'secret.granted', 'secret.granted'],
    );

    // nothing to grant before a value is stored; a payload with neither is malformed
    const absent = await cp.command('secret.set', { name: 'never-stored', templates: ['keyed'] });
    assert.ok(
      !absent.ok && absent.error.code === 'SECRET.NOT_FOUND' && /store it with: sacp secret set never-stored --templates keyed/.test(absent.error.message),
      JSON.stringify(absent),
    );
    const neither = await cp.command('secret.set', { name: 'test-api-key' });
    assert.ok(
      !neither.ok && neither.error.code === 'COMMAND.MALFORMED' && /value: give the value, the templates to grant it to, or both/.test(neither.error.message),
      JSON.stringify(neither),
    );
  });

  test('a template without a user is refused at creation when its image runs as root, and never started', async () => {
    const agentId = await cp.deploy('rootful', 'rootful-1');
    const view = await cp.waitForAgent(agentId, (a) => a.lastError !== null, 'a recorded refusal');
    assert.equal(view.lastError!.code, 'POLICY.VIOLATION');
    assert.match(view.lastError!.message, /security\.user: security\.user is not set and the image's USER is "root": user "root" is root.*SACP_ALLOW_ROOT_TEMPLATES=rootful/);
    assert.equal(view.containerId, null);
    assert.ok(!(await cp.containers()).some((c) => c.labels['sacp.agent.id'] === agentId), 'no container');
  });
});
