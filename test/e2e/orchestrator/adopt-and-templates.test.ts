import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_CONFIG_DIR, TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

const configDir = mkdtempSync(join(tmpdir(), 'sacp-configs-'));
cpSync(FIXTURE_CONFIG_DIR, configDir, { recursive: true });

describe('adoption and template versions (real orchestrator and Docker)', () => {
  const cp = new TestControlPlane({ configDir });
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => {
    await cp.stop();
    rmSync(configDir, { recursive: true, force: true });
  });

  test('an existing container is adopted, then stopped, started and removed through the control plane', async () => {
    const api = cp.docker['client'].api;
    const legacy = await api.createContainer({
      Image: 'sacp/sim-agent:latest',
      name: `legacy-${cp.instance}`,
      Labels: { 'sacp.test': cp.instance },
      HostConfig: { Memory: 64 * 1024 * 1024 },
    });
    await legacy.start();
    try {
      const r = await cp.command<{ agentId: string }>('agent.adopt', { container: `legacy-${cp.instance}`, name: 'legacy' });
      assert.ok(r.ok, JSON.stringify(r));
      const view = await cp.waitForAgent(r.result.agentId, (a) => a.state.observed === 'running', 'adopted and running');
      assert.equal(view.containerId, legacy.id);
      assert.equal(view.template, null);

      const twice = await cp.command('agent.adopt', { container: legacy.id, name: 'legacy-again' });
      assert.equal(!twice.ok && twice.error.code, 'CONTAINER.ALREADY_MANAGED');

      await cp.command('agent.stop', { agent: 'legacy' });
      await cp.waitForAgent(r.result.agentId, (a) => a.state.observed === 'stopped', 'stopped');
      assert.equal((await cp.docker.inspect(legacy.id))!.running, false);
      await cp.command('agent.start', { agent: 'legacy' });
      await cp.waitForAgent(r.result.agentId, (a) => a.state.observed === 'running', 'running again');
      assert.equal((await cp.docker.inspect(legacy.id))!.running, true);
      await cp.command('agent.remove', { agent: 'legacy' });
      await waitFor('the adopted container to be removed', async () => !(await cp.docker.inspect(legacy.id)));

      const missing = await cp.command('agent.adopt', { container: 'no-such-container' });
      assert.equal(!missing.ok && missing.error.code, 'CONTAINER.NOT_FOUND');
    } finally {
      await legacy.remove({ force: true }).catch(() => undefined);
    }
  });

  test('a changed template file becomes a new version, recorded as an event; agents keep their lineage', async () => {
    const first = await cp.deploy('sim', 'lineage-1');
    const file = join(configDir, 'agents/sim.json');
    const template = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...template, description: 'now with more memory', resources: { ...template.resources, memory: '96m' } }, null, 2));

    const second = await cp.deploy('sim', 'lineage-2');
    const v2 = await cp.waitForAgent(second, (a) => a.state.observed === 'running', 'running');
    const v1 = await cp.waitForAgent(first, (a) => a.state.observed === 'running', 'running');
    assert.deepEqual(v1.template, { name: 'sim', version: 1 });
    assert.deepEqual(v2.template, { name: 'sim', version: 2 });
    assert.equal((await cp.docker['client'].api.getContainer(v2.containerId!).inspect()).HostConfig.Memory, 96 * 1024 * 1024);
    assert.equal((await cp.docker['client'].api.getContainer(v1.containerId!).inspect()).HostConfig.Memory, 64 * 1024 * 1024);

    const { rows } = await cp.pool.query("select data->>'version' as version, data->>'hash' as hash from events where stream_id = 'template-sim' order by stream_position");
    assert.deepEqual(
      rows.map((r) => r.version),
      ['1', '2'],
    );
    assert.notEqual(rows[0].hash, rows[1].hash);

    const sync = await cp.command<{ registered: unknown[]; unchanged: { name: string; version: number }[] }>('template.sync', {});
    assert.ok(sync.ok);
    assert.deepEqual(sync.result.registered, [], 'an unchanged file is not registered again');
    assert.ok(sync.result.unchanged.some((t) => t.name === 'sim' && t.version === 2));

    const list = await cp.query<{ templates: { name: string; version: number | null }[]; problems: { file: string; field: string }[] }>('template.list');
    assert.ok(list.ok);
    assert.deepEqual(list.result.templates.find((t) => t.name === 'sim')?.version, 2);
    assert.ok(list.result.problems.some((p) => p.file === 'agents/broken.json' && p.field === 'resources.memory'));
  });
});
