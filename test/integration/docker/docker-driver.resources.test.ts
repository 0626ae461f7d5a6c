import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { DockerDriver, type DockerEvent } from '@sacp/docker';
import { dockerTestContext, removeTestObjects, requireTestAgentImage, testAgentSpec } from '../../support/docker';

describe('DockerDriver: networks, volumes and events against the real engine', () => {
  const ctx = dockerTestContext();
  const driver = new DockerDriver(ctx.client);

  beforeAll(async () => {
    await requireTestAgentImage(ctx.client.api);
  });

  afterAll(async () => {
    await removeTestObjects(ctx);
  });

  test('ensureNetwork and ensureVolume create once, then return the existing object', async () => {
    const networkName = ctx.name('net');
    const volumeName = ctx.name('vol');

    const network = await driver.ensureNetwork(networkName, ctx.labels);
    assert.equal(network.created, true);
    assert.deepEqual(await driver.ensureNetwork(networkName, ctx.labels), { ...network, created: false });
    assert.equal(network.labels['sacp.test'], ctx.runId);

    const volume = await driver.ensureVolume(volumeName, ctx.labels);
    assert.equal(volume.created, true);
    assert.deepEqual(await driver.ensureVolume(volumeName, ctx.labels), { ...volume, created: false });
    assert.equal(volume.labels['sacp.test'], ctx.runId);

    const raced = await Promise.all([1, 2, 3].map(() => driver.ensureNetwork(ctx.name('net-race'), ctx.labels)));
    assert.equal(new Set(raced.map((n) => n.id)).size, 1);
  });

  test('a container runs on the ensured network with the ensured volume mounted', async () => {
    const networkName = ctx.name('agent-net');
    const volumeName = ctx.name('agent-vol');
    await driver.ensureNetwork(networkName, ctx.labels);
    await driver.ensureVolume(volumeName, ctx.labels);

    const { id } = await driver.createContainer(
      testAgentSpec(ctx, 'attached', {
        networkMode: networkName,
        mounts: [
          { type: 'tmpfs', target: '/tmp', readOnly: false },
          { type: 'volume', source: volumeName, target: '/workspace', readOnly: false },
        ],
      }),
    );
    await driver.start(id);
    const info = await ctx.client.api.getContainer(id).inspect();
    assert.ok(info.NetworkSettings.Networks[networkName], 'attached to the network');
    assert.ok(info.Mounts.some((m) => m.Type === 'volume' && m.Name === volumeName && m.Destination === '/workspace'));

    await assert.rejects(driver.removeVolume(volumeName), { code: 'DOCKER.OPERATION_FAILED', message: /remove volume/ });

    await driver.remove(id, { force: true });
    await driver.removeVolume(volumeName);
    await driver.removeVolume(volumeName); // already gone: fine
    await driver.removeNetwork(networkName);
    await driver.removeNetwork(networkName); // already gone: fine
    assert.deepEqual((await ctx.client.api.listVolumes({ filters: { name: [volumeName] } })).Volumes ?? [], []);
  });

  test('events yields parsed container events for the filter and ends on abort', async () => {
    const controller = new AbortController();
    const since = new Date(Date.now() - 1_000);
    const spec = testAgentSpec(ctx, 'evented');
    const guard = setTimeout(() => controller.abort(), 15_000);

    const collected = (async () => {
      const events: DockerEvent[] = [];
      for await (const event of driver.events({
        filters: { type: ['container'], label: [`sacp.test=${ctx.runId}`, 'sacp.agent-id=evented'] },
        since,
        signal: controller.signal,
      })) {
        events.push(event);
        if (event.action === 'start') controller.abort();
      }
      return events;
    })();

    const { id } = await driver.createContainer(spec);
    await driver.start(id);
    const events = await collected;
    clearTimeout(guard);

    assert.deepEqual(events.map((e) => e.action).slice(0, 2), ['create', 'start']);
    for (const event of events) {
      assert.equal(event.type, 'container');
      assert.equal(event.actorId, id);
      assert.equal(event.attributes.name, spec.name);
      assert.equal(event.attributes['sacp.agent-id'], 'evented');
      assert.match(event.timeNano, /^\d{19}$/);
      assert.ok(Math.abs(Date.parse(event.time) - Date.now()) < 60_000);
    }
  });
});
