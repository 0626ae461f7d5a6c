import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApi } from '../../support/api';
import { FIXTURE_CONFIG_DIR, MONITOR_TEST_ACTOR, TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

const configDir = mkdtempSync(join(tmpdir(), 'sacp-configs-'));
cpSync(FIXTURE_CONFIG_DIR, configDir, { recursive: true });

/** Templates, audit, alerts and resources over REST (real api, orchestrator and monitor processes). */
describe('REST reads: templates, audit, alerts, resources', () => {
  const cp = new TestControlPlane({ configDir, monitors: 1, env: { MONITOR_SAMPLE_INTERVAL_MS: '500' } });
  const api = new TestApi(cp);
  let viewer = '';
  let operator = '';
  beforeAll(async () => {
    await cp.start();
    await api.start(1);
    viewer = (await api.createToken('reads-viewer', 'viewer')).token;
    operator = (await api.createToken('reads-operator', 'operator')).token;
    const id = await cp.deploy('sim', 'rest-1');
    await cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running');
  }, 120_000);
  afterAll(async () => {
    await api.stop();
    await cp.stop();
    rmSync(configDir, { recursive: true, force: true });
  });
  const get = (path: string, token = viewer) => api.request('GET', path, { token });

  test('templates: list, one, versions, one version, diff; errors name the field or the code', async () => {
    const list = await get('/api/v1/templates');
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((t: { name: string }) => t.name === 'sim'));
    const one = await get('/api/v1/templates/sim');
    assert.equal(one.status, 200);
    assert.deepEqual(
      one.body.agents.map((a: { agent: string; version: number }) => [a.agent, a.version]),
      [['rest-1', 1]],
    );

    const file = join(configDir, 'agents/sim.json');
    const sim = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...sim, description: 'changed' }));
    await cp.deploy('sim', 'rest-2');
    const versions = await get('/api/v1/templates/sim/versions');
    assert.deepEqual(
      versions.body.items.map((v: { version: number }) => v.version),
      [2, 1],
    );
    const v1 = await get('/api/v1/templates/sim/versions/1');
    assert.equal(v1.status, 200);
    assert.equal(v1.body.definition.description, sim.description);
    const diff = await get('/api/v1/templates/sim/diff?from=1&to=2');
    assert.deepEqual(diff.body.changes, [{ path: '/description', kind: 'changed', before: sim.description, after: 'changed' }]);

    const missing = await get('/api/v1/templates/nope');
    assert.deepEqual([missing.status, missing.body.code], [404, 'TEMPLATE.NOT_FOUND']);
    const noVersion = await get('/api/v1/templates/sim/versions/7');
    assert.deepEqual([noVersion.status, noVersion.body.code], [404, 'TEMPLATE.NOT_FOUND']);
    const badQuery = await get('/api/v1/templates/sim/diff?from=1');
    assert.deepEqual([badQuery.status, badQuery.body.code], [400, 'REQUEST.INVALID']);
    assert.equal(badQuery.body.details.issues[0].field, 'to');
    const badName = await get('/api/v1/templates/Not%20A%20Name');
    assert.equal(badName.status, 400);
    assert.equal((await api.request('GET', '/api/v1/templates')).status, 401);
  });

  test('POST /templates/validate: a valid template with its hash, or 400 TEMPLATE.INVALID naming each field', async () => {
    const good = await api.request('POST', '/api/v1/templates/validate', { token: viewer, body: { name: 'coder', image: 'sacp/sim-agent:latest' } });
    assert.equal(good.status, 200);
    assert.equal(good.body.valid, true);
    assert.match(good.body.hash, /^sha256:/);
    const bad = await api.request('POST', '/api/v1/templates/validate', {
      token: viewer,
      body: { name: 'coder', image: 'x', resources: { memory: 'lots' }, security: { privileged: true } },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'TEMPLATE.INVALID');
    assert.ok(bad.body.details.problems.some((p: { field: string }) => p.field === 'resources.memory'));
  });

  test('audit: by agent, command type, outcome and time range, in pages', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const r = await get(`/api/v1/audit?agent=rest-1&from=${encodeURIComponent(from)}`);
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.items.map((e: { commandType: string }) => e.commandType),
      ['agent.deploy'],
    );
    const page = await get('/api/v1/audit?commandType=agent.deploy&outcome=accepted&limit=1');
    assert.equal(page.body.items.length, 1);
    const next = await get(`/api/v1/audit?commandType=agent.deploy&outcome=accepted&limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`);
    assert.equal(next.body.items.length, 1);
    const future = await get(`/api/v1/audit?to=${encodeURIComponent('2000-01-01T00:00:00Z')}`);
    assert.deepEqual(future.body.items, []);
    const bad = await get('/api/v1/audit?from=yesterday');
    assert.deepEqual([bad.status, bad.body.code, bad.body.details.issues[0].field], [400, 'REQUEST.INVALID', 'from']);
    const unknown = await get('/api/v1/audit?colour=red');
    assert.equal(unknown.status, 400);
  });

  test('alerts: listed open and all; an operator acknowledges (202), a viewer may not; resolved and unknown alerts are refused', async () => {
    assert.ok((await cp.command('alert.raise', { key: 'rest:a', severity: 'warning', agent: 'rest-1', cause: 'test', message: 'up' }, { actor: MONITOR_TEST_ACTOR })).ok);
    const listed = await waitFor('the alert listed', async () => {
      const r = await get('/api/v1/alerts');
      return r.body.items?.find((a: { key: string }) => a.key === 'rest:a');
    });
    assert.equal(listed.state, 'open');
    assert.equal((await api.request('POST', '/api/v1/alerts/rest%3Aa/acknowledge', { token: viewer, body: {} })).status, 403);
    const ack = await api.request('POST', '/api/v1/alerts/rest%3Aa/acknowledge', { token: operator, body: { note: 'seen' } });
    assert.equal(ack.status, 202, JSON.stringify(ack.body));
    assert.equal(ack.body.result.changed, true);
    assert.match(ack.body.links.command, /^\/api\/v1\/commands\//);
    await waitFor('the acknowledgement listed', async () => (await get('/api/v1/alerts?agent=rest-1')).body.items.find((a: { acknowledged: unknown }) => a.acknowledged));

    assert.ok((await cp.command('alert.resolve', { key: 'rest:a', message: 'over' }, { actor: MONITOR_TEST_ACTOR })).ok);
    await waitFor('the alert resolved', async () =>
      (await get('/api/v1/alerts?state=all')).body.items.find((a: { key: string; state: string }) => a.key === 'rest:a' && a.state === 'resolved'),
    );
    const resolved = await api.request('POST', '/api/v1/alerts/rest%3Aa/acknowledge', { token: operator, body: {} });
    assert.deepEqual([resolved.status, resolved.body.code], [409, 'ALERT.RESOLVED']);
    const unknown = await api.request('POST', '/api/v1/alerts/nothing/acknowledge', { token: operator, body: {} });
    assert.deepEqual([unknown.status, unknown.body.code], [404, 'ALERT.NOT_FOUND']);
    const badState = await get('/api/v1/alerts?state=closed');
    assert.deepEqual([badState.status, badState.body.details.issues[0].field], [400, 'state']);
    const badBody = await api.request('POST', '/api/v1/alerts/rest%3Aa/acknowledge', { token: operator, body: { note: 'x'.repeat(1001) } });
    assert.equal(badBody.status, 400);
  });

  test('resources: the host and each agent, from the monitor', async () => {
    const r = await waitFor('a sample of the host and the agent', async () => {
      const x = await get('/api/v1/resources');
      return x.status === 200 && x.body.host && Object.keys(x.body.agents).length ? x : null;
    });
    assert.ok(r.body.host.cpuCount >= 1);
    const sample = Object.values(r.body.agents)[0] as { memoryBytes: number };
    assert.ok(sample.memoryBytes > 0);
    assert.equal((await api.request('GET', '/api/v1/resources')).status, 401);
  });
});
