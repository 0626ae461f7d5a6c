import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { DockerDriver } from '@sacp/docker';
import { dockerTestContext, removeTestObjects, requireTestAgentImage, TEST_AGENT_IMAGE, testAgentSpec } from '../../support/docker';

describe('DockerDriver: team networks and shared volumes against the real engine', () => {
  const ctx = dockerTestContext();
  const driver = new DockerDriver(ctx.client);

  beforeAll(async () => {
    await requireTestAgentImage(ctx.client.api);
  });

  afterAll(async () => {
    await removeTestObjects(ctx);
  });

  test('an internal network with driver options; its gateway; containers join with aliases, are counted, and leave', async () => {
    const name = ctx.name('team');
    const made = await driver.ensureNetwork(name, ctx.labels, { internal: true, options: { 'com.docker.network.bridge.enable_icc': 'true' } });
    assert.deepEqual([made.created, made.internal], [true, true]);
    assert.equal((await driver.ensureNetwork(name, ctx.labels)).internal, true, 'an existing network is returned as it is');
    assert.match((await driver.networkGateway(name)) ?? '', /^\d+\.\d+\.\d+\.1$/);
    assert.equal(await driver.networkGateway(ctx.name('none-such')), null);

    const created = await driver.createContainer(testAgentSpec(ctx, 'member', { networkMode: name, networkAliases: ['coder'] }));
    await driver.start(created.id);
    const listed = await driver.listNetworks(ctx.labels);
    assert.deepEqual(
      listed.filter((n) => n.name === name).map((n) => [n.internal, n.containers]),
      [[true, 1]],
    );
    const other = ctx.name('other');
    await driver.ensureNetwork(other, ctx.labels);
    await driver.connectNetwork(other, created.id, ['coder']);
    await driver.connectNetwork(other, created.id, ['coder']); // already on it: fine
    assert.deepEqual(Object.keys((await driver.inspect(created.id))!.networks).sort(), [name, other].sort());
    await driver.disconnectNetwork(name, created.id);
    await driver.disconnectNetwork(name, created.id); // not on it: fine
    assert.deepEqual(Object.keys((await driver.inspect(created.id))!.networks), [other]);
    await driver.remove(created.id, { force: true });
    await driver.removeNetwork(name);
    assert.equal(await driver.networkGateway(name), null);
  });

  test('a shared volume is opened to every uid by a helper that leaves nothing behind', async () => {
    const volume = ctx.name('shared');
    await driver.ensureVolume(volume, ctx.labels);
    await driver.shareVolume(volume, TEST_AGENT_IMAGE, ctx.labels);
    await driver.shareVolume(volume, TEST_AGENT_IMAGE, ctx.labels); // again: idempotent
    // uid 1000, as the sim agent runs
    const writer = await driver.createContainer(
      testAgentSpec(ctx, 'writer', {
        command: ['sh', '-c', 'echo hi > /team/note && ls -ld /team'],
        mounts: [{ type: 'volume', source: volume, target: '/team', readOnly: false }],
      }),
    );
    await driver.start(writer.id);
    const exited = await (async () => {
      for (let i = 0; i < 100; i++) {
        const c = await driver.inspect(writer.id);
        if (c && !c.running && c.exitCode !== null) return c;
        await new Promise((r) => setTimeout(r, 100));
      }
      return null;
    })();
    assert.equal(exited?.exitCode, 0, (await driver.logsTail(writer.id, 10)).map((l) => l.line).join('\n'));
    assert.match((await driver.logsTail(writer.id, 10)).map((l) => l.line).join('\n'), /^drwxrwxrwt /m, 'mode 1777, as /tmp');
    const helpers = await ctx.client.api.listContainers({ all: true, filters: { name: [`${volume}-opener`] } });
    assert.equal(helpers.length, 0);
  });
});
