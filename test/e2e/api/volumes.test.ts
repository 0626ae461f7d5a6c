import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import type { VolumeListView } from '@sacp/events';
import { TestApi } from '../../support/api';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

/** Volumes over HTTP: the list (any role), removal with the agent (?volumes=true) and of an orphan (operator), and their refusals. */
describe('volumes over HTTP (real api, orchestrator, Docker)', () => {
  const cp = new TestControlPlane({ env: { SACP_VOLUME_SIZES_TTL_MS: '500', SACP_VOLUME_SIZES_WAIT_MS: '3000' } });
  const api = new TestApi(cp);
  const docker = cp.docker['client'].api;
  let operator = '';
  let viewer = '';
  beforeAll(async () => {
    await cp.start();
    await api.start();
    operator = (await api.createToken('ops', 'operator')).token;
    viewer = (await api.createToken('watcher', 'viewer')).token;
  }, 120_000);
  afterAll(async () => {
    await api.stop();
    await cp.stop(); // removes the containers and volumes labelled with its instance
  });

  const deploy = async (name: string) => {
    const r = await api.request('POST', '/api/v1/agents', { token: operator, body: { template: 'sim', name } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const agentId = r.body.result.agentId as string;
    await cp.waitForAgent(agentId, (v) => v.state.observed === 'running', 'running');
    const found = await docker.listVolumes({ filters: JSON.stringify({ label: [`sacp.agent.id=${agentId}`] }) });
    const volume = found.Volumes?.[0]?.Name;
    assert.ok(volume, 'the agent has its workspace volume');
    return { agentId, volume };
  };
  const list = async (query = '', token = viewer) => {
    const r = await api.request<VolumeListView>('GET', `/api/v1/volumes${query}`, { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const exists = (volume: string) =>
    docker
      .getVolume(volume)
      .inspect()
      .then(
        () => true,
        () => false,
      );

  test('GET /api/v1/volumes: a viewer sees each volume with its agent, size and creation time; filters and bad queries', async () => {
    const { agentId, volume } = await deploy('api-v1');
    const body = await list();
    const v = body.volumes.find((x) => x.name === volume);
    assert.ok(v, JSON.stringify(body));
    assert.deepEqual([v.kind, v.agent, v.orphaned], ['workspace', { id: agentId, name: 'api-v1', exists: true }, false]);
    assert.equal(typeof v.createdAt, 'string');
    assert.equal(body.total >= 1, true);
    await waitFor('a size', async () => typeof (await list()).volumes.find((x) => x.name === volume)?.sizeBytes === 'number', 30_000, 500);
    assert.ok((await list()).sizesAt);
    assert.equal(
      (await list('?orphaned=true')).volumes.find((x) => x.name === volume),
      undefined,
    );
    for (const bad of ['?orphaned=maybe', '?limit=0', '?other=1']) {
      const r = await api.request('GET', `/api/v1/volumes${bad}`, { token: viewer });
      assert.equal(r.status, 400, `${bad}: ${JSON.stringify(r.body)}`);
    }
  });

  test("DELETE /api/v1/volumes/{volume}: refused for a viewer (403), a living agent's volume (409), an unknown one (404), a bad name (400)", async () => {
    const { name: volume } = (await list()).volumes.find((x) => x.agent.name === 'api-v1')!;
    const asViewer = await api.request('DELETE', `/api/v1/volumes/${volume}`, { token: viewer });
    assert.equal(asViewer.status, 403);
    const living = await api.request('DELETE', `/api/v1/volumes/${volume}`, { token: operator });
    assert.equal(living.status, 409, JSON.stringify(living.body));
    assert.equal(living.body.code, 'VOLUME.NOT_ORPHANED');
    assert.match(living.body.message, /api-v1.*--volumes/);
    const unknown = await api.request('DELETE', '/api/v1/volumes/no-such-volume', { token: operator });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'VOLUME.NOT_FOUND');
    const bad = await api.request('DELETE', '/api/v1/volumes/-bad', { token: operator });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.ok(await exists(volume), 'nothing was removed');
  });

  test('DELETE an agent without ?volumes keeps its volume (orphaned); DELETE of the orphan then removes it', async () => {
    const { name: volume } = (await list()).volumes.find((x) => x.agent.name === 'api-v1')!;
    const r = await api.request('DELETE', '/api/v1/agents/api-v1', { token: operator, body: { reason: 'done' } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    await waitFor('the orphan', async () => (await list('?orphaned=true')).volumes.some((x) => x.name === volume), 15_000, 200);
    assert.ok(await exists(volume));
    const removed = await api.request('DELETE', `/api/v1/volumes/${volume}`, { token: operator, body: { reason: 'not needed' } });
    assert.equal(removed.status, 202, JSON.stringify(removed.body));
    assert.deepEqual(removed.body.result, { volume, agentId: removed.body.result.agentId, agentName: 'api-v1', removed: true });
    assert.deepEqual(
      removed.body.events.map((e: { type: string }) => e.type),
      ['volume.removed'],
    );
    assert.equal(await exists(volume), false);
    const again = await api.request('DELETE', `/api/v1/volumes/${volume}`, { token: operator });
    assert.equal(again.status, 404);
  });

  test('DELETE /api/v1/agents/{agent}?volumes=true removes the volume with the agent; ?volumes=yes is a 400', async () => {
    const { agentId, volume } = await deploy('api-v2');
    const bad = await api.request('DELETE', '/api/v1/agents/api-v2?volumes=yes', { token: operator });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    const r = await api.request('DELETE', '/api/v1/agents/api-v2?volumes=true', { token: operator });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    await cp.waitForAgent(agentId, (v) => v.state.observed === 'removed', 'removed');
    assert.equal(await exists(volume), false);
    assert.equal(
      (await list()).volumes.find((x) => x.name === volume),
      undefined,
    );
  });
});
