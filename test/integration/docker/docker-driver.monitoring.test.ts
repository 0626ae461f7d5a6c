import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DockerDriver } from '@sacp/docker';
import { dockerTestContext, eventually, removeTestObjects, requireTestAgentImage, testAgentSpec } from '../../support/docker';

const run = promisify(execFile);

describe('DockerDriver: stats, health and published ports against the real engine', () => {
  const ctx = dockerTestContext();
  const driver = new DockerDriver(ctx.client);

  beforeAll(async () => {
    await requireTestAgentImage(ctx.client.api);
  });

  afterAll(async () => {
    await removeTestObjects(ctx);
  });

  test('stats reads CPU, memory against the limit, network and pids; a busy container uses CPU between two readings', async () => {
    const { id } = await driver.createContainer(testAgentSpec(ctx, 'stats', { env: { SIM_BUSY: '1', SIM_BUSY_PCT: '40' } }));
    await driver.start(id);
    const first = await eventually('a first reading', async () => (await driver.stats(id)) ?? undefined);
    await new Promise((r) => setTimeout(r, 1000));
    const second = (await driver.stats(id))!;
    assert.equal(first.cpuPercent, null, 'a one-shot reading has no previous reading of its own');
    assert.ok(second.cpuUsageNanos > first.cpuUsageNanos);
    const share = (second.cpuUsageNanos - first.cpuUsageNanos) / ((Date.parse(second.readAt) - Date.parse(first.readAt)) * 1e6);
    assert.ok(share > 0.1, `busy at 40% of a core, measured ${Math.round(share * 100)}%`);
    assert.equal(second.memoryLimitBytes, 128 * 1024 * 1024);
    assert.ok(second.memoryBytes > 1024 * 1024 && second.memoryBytes < second.memoryLimitBytes, `memory ${second.memoryBytes}`);
    assert.ok(second.pids >= 1);
    assert.ok(second.networkRxBytes >= 0 && second.networkTxBytes >= 0);

    const streamed = (await driver.stats(id, { oneShot: false }))!;
    assert.ok(streamed.cpuPercent !== null && streamed.cpuPercent > 5, `Docker's own two readings: ${streamed.cpuPercent}%`);

    await driver.remove(id, { force: true });
    assert.equal(await driver.stats(id), null, 'a missing container has no stats');
  });

  test('health reports the HEALTHCHECK status with the latest output; publishedPort finds the loopback port', async () => {
    const { id } = await driver.createContainer(
      testAgentSpec(ctx, 'health', {
        ports: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }],
        healthcheck: { test: ['CMD', 'sim-ctl', 'health'], intervalMs: 1000, timeoutMs: 1000, retries: 1, startPeriodMs: 0 },
      }),
    );
    const port8080 = await driver.publishedPort(id, 8080);
    assert.equal(port8080, null, 'not published before it runs');
    await driver.start(id);
    await eventually('healthy', async () => ((await driver.health(id))?.status === 'healthy' ? true : undefined));

    const published = (await driver.publishedPort(id, 8080))!;
    assert.equal(published.hostIp, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${published.hostPort}/health`);
    assert.equal(res.status, 200);
    assert.equal(await driver.publishedPort(id, 9999), null);

    await run('docker', ['exec', id, 'sim-ctl', 'unhealthy']);
    const unhealthy = await eventually('unhealthy', async () => {
      const h = await driver.health(id);
      return h?.status === 'unhealthy' ? h : undefined;
    });
    assert.ok(unhealthy.failingStreak >= 1);
    assert.equal(unhealthy.last?.exitCode, 1);
    await driver.stop(id, 1);
    assert.equal(await driver.health(id), null, 'a stopped container has no verdict, even its last one was unhealthy');

    const plain = await driver.createContainer(testAgentSpec(ctx, 'nohealth', { healthcheck: { test: ['NONE'], intervalMs: 0, timeoutMs: 0, retries: 0, startPeriodMs: 0 } }));
    await driver.start(plain.id);
    assert.equal(await driver.health(plain.id), null, 'no healthcheck, no health');
    assert.equal(await driver.health('sacp-test-no-such-container'), null);
  });
});
