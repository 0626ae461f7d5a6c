import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { DockerDriver } from '@sacp/docker';
import { dockerTestContext, eventually, removeTestObjects, requireTestAgentImage, testAgentSpec } from '../../support/docker';

describe('DockerDriver: container lifecycle against the real engine', () => {
  const ctx = dockerTestContext();
  const driver = new DockerDriver(ctx.client);

  beforeAll(async () => {
    await requireTestAgentImage(ctx.client.api);
  });

  afterAll(async () => {
    await removeTestObjects(ctx);
  });

  /** The agent installs its SIGTERM handler before its first heartbeat; a signal sent earlier is ignored by PID 1. */
  const agentReady = (id: string) => eventually('a first heartbeat', async () => ((await driver.logsTail(id, 1)).length > 0 ? true : undefined));

  test('creates a hardened container whose Docker configuration matches the spec', async () => {
    const spec = testAgentSpec(ctx, 'hardened', {
      env: { SACP_AGENT_ID: 'hardened', WITH_EQUALS: 'a=b c' },
      ports: [{ containerPort: 8080, protocol: 'tcp' }],
    });

    const created = await driver.createContainer(spec);
    assert.equal(created.created, true);
    assert.equal(created.name, spec.name);
    await driver.start(created.id);

    const info = await ctx.client.api.getContainer(created.id).inspect();
    const host = info.HostConfig as Record<string, unknown> & typeof info.HostConfig;
    assert.equal(host.Memory, 128 * 1024 * 1024);
    assert.equal(host.MemorySwap, 128 * 1024 * 1024, 'memory swap equals memory: no swap');
    assert.equal(host.NanoCpus, 500_000_000);
    assert.equal(host.PidsLimit, 64);
    assert.deepEqual(host.SecurityOpt, ['no-new-privileges:true']);
    assert.deepEqual(host.CapDrop, ['ALL']);
    assert.ok(host.CapAdd === null || (Array.isArray(host.CapAdd) && host.CapAdd.length === 0));
    assert.equal(host.Privileged, false);
    assert.equal(host.ReadonlyRootfs, true);
    assert.equal(host.NetworkMode, 'bridge');
    assert.deepEqual(host.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 });
    assert.deepEqual(host.LogConfig, { Type: 'json-file', Config: { 'max-file': '3', 'max-size': '10m' } });
    assert.deepEqual(host.PortBindings, { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
    assert.equal(info.Config.User, '1000');
    assert.equal((info.Config as { StopTimeout?: number }).StopTimeout, 5);
    assert.ok(info.Config.Env.includes('WITH_EQUALS=a=b c'));
    assert.equal(info.Config.Labels['sacp.test'], ctx.runId);
    assert.deepEqual(
      info.Mounts.map((m) => ({ Type: m.Type, Destination: m.Destination })),
      [{ Type: 'tmpfs', Destination: '/tmp' }],
    );

    // The published port is bound on loopback only, with a port Docker chose.
    const bound = (info.NetworkSettings.Ports as Record<string, Array<{ HostIp: string; HostPort: string }> | null>)['8080/tcp'];
    assert.ok(bound && bound.length > 0, 'port 8080/tcp is published');
    for (const binding of bound) {
      assert.equal(binding.HostIp, '127.0.0.1');
      assert.ok(Number(binding.HostPort) > 0);
    }
  });

  test('creating the same name twice returns the existing container with created=false', async () => {
    const spec = testAgentSpec(ctx, 'twice');
    const first = await driver.createContainer(spec);
    const second = await driver.createContainer(spec);
    assert.equal(first.created, true);
    assert.deepEqual(second, { id: first.id, name: spec.name, created: false });
  });

  test('concurrent creates of one name yield one container, created exactly once', async () => {
    const spec = testAgentSpec(ctx, 'race');
    const results = await Promise.all([1, 2, 3, 4].map(() => driver.createContainer(spec)));
    assert.equal(new Set(results.map((r) => r.id)).size, 1);
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal((await driver.listByLabels({ ...ctx.labels, 'sacp.agent-id': 'race' })).length, 1);
  });

  test('start, stop, restart and remove do what they say, and repeat harmlessly', async () => {
    const { id } = await driver.createContainer(testAgentSpec(ctx, 'lifecycle'));
    assert.equal((await driver.inspect(id))?.state, 'created');
    assert.equal((await driver.inspect(id))?.startedAt, null);

    await driver.start(id);
    await driver.start(id); // already running: fine
    const running = await driver.inspect(id);
    assert.equal(running?.state, 'running');
    assert.equal(running?.running, true);
    assert.equal(running?.exitCode, null);
    assert.ok(running?.startedAt);
    await agentReady(id);

    const stopBegan = Date.now();
    await driver.stop(id, 5);
    // The agent handles SIGTERM, so stop does not wait for the SIGKILL deadline.
    assert.ok(Date.now() - stopBegan < 4_500, `stop took ${Date.now() - stopBegan} ms`);
    await driver.stop(id, 5); // already stopped: fine
    const stopped = await driver.inspect(id);
    assert.equal(stopped?.state, 'exited');
    assert.equal(stopped?.running, false);
    assert.equal(typeof stopped?.exitCode, 'number');
    assert.equal(stopped?.oomKilled, false);
    assert.ok(stopped?.finishedAt);

    await driver.start(id);
    await agentReady(id);
    const before = await driver.inspect(id);
    await driver.restart(id, 5);
    const restarted = await driver.inspect(id);
    assert.equal(restarted?.running, true);
    assert.notEqual(restarted?.startedAt, before?.startedAt, 'restart starts the process anew');

    await driver.remove(id, { force: true });
    assert.equal(await driver.inspect(id), null);
    await driver.remove(id, { force: true }); // already gone: fine
  });

  test('a healthcheck from the spec is applied in nanoseconds and reported by inspect', async () => {
    const spec = testAgentSpec(ctx, 'health', {
      healthcheck: { test: ['CMD', 'sim-ctl', 'health'], intervalMs: 300, timeoutMs: 2_000, retries: 2, startPeriodMs: 0 },
    });
    const { id } = await driver.createContainer(spec);
    const info = await ctx.client.api.getContainer(id).inspect();
    assert.deepEqual(info.Config.Healthcheck, {
      Test: ['CMD', 'sim-ctl', 'health'],
      Interval: 300_000_000,
      Timeout: 2_000_000_000,
      Retries: 2,
      // a start period of 0 must not fall back to the image's 1 s
      StartPeriod: 1_000_000,
    });
    await driver.start(id);
    const healthy = await eventually('the agent to be healthy', async () => {
      const summary = await driver.inspect(id);
      return summary?.health === 'healthy' ? summary : undefined;
    });
    assert.equal(healthy.running, true);
  });

  test('inspect summarises by name as well as id', async () => {
    const spec = testAgentSpec(ctx, 'by-name');
    const { id } = await driver.createContainer(spec);
    const summary = await driver.inspect(spec.name);
    assert.equal(summary?.id, id);
    assert.equal(summary?.name, spec.name);
    assert.equal(summary?.image, spec.image);
    assert.equal(summary?.labels['sacp.agent-id'], 'by-name');
  });

  test('listByLabels finds exactly the labelled containers, stopped ones included', async () => {
    const group = (suffix: string, value: string) => testAgentSpec(ctx, suffix, { labels: { ...ctx.labels, 'sacp.agent-id': suffix, 'sacp.group': value } });
    const a1 = await driver.createContainer(group('list-a1', 'a'));
    const a2 = await driver.createContainer(group('list-a2', 'a'));
    const b1 = await driver.createContainer(group('list-b1', 'b'));
    await driver.start(a1.id); // a2 stays created (never started)
    await driver.start(b1.id);
    await driver.stop(b1.id, 5);

    const groupA = await driver.listByLabels({ 'sacp.test': ctx.runId, 'sacp.group': 'a' });
    assert.deepEqual(groupA.map((c) => c.id).sort(), [a1.id, a2.id].sort());
    assert.deepEqual(groupA.map((c) => c.state).sort(), ['created', 'running']);

    const anyGroup = await driver.listByLabels({ 'sacp.test': ctx.runId, 'sacp.group': true });
    assert.deepEqual(anyGroup.map((c) => c.id).sort(), [a1.id, a2.id, b1.id].sort());
    assert.equal(anyGroup.find((c) => c.id === b1.id)?.state, 'exited');

    assert.deepEqual(await driver.listByLabels({ 'sacp.test': ctx.runId, 'sacp.group': 'none' }), []);
  });

  test('a container exits on its own and inspect reports its exit code', async () => {
    const { id } = await driver.createContainer(testAgentSpec(ctx, 'exits'));
    await driver.start(id);
    await eventually('the agent to be running', async () => ((await driver.inspect(id))?.running ? true : undefined));
    const exec = await ctx.client.api.getContainer(id).exec({ Cmd: ['sim-ctl', 'exit', '3'], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    stream.resume();
    const exited = await eventually('the agent to exit', async () => {
      const summary = await driver.inspect(id);
      return summary?.state === 'exited' ? summary : undefined;
    });
    assert.equal(exited.exitCode, 3);
    assert.equal(exited.running, false);
  });
});
