import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { DockerDriver, type LogLine } from '@sacp/docker';
import { dockerTestContext, eventually, removeTestObjects, requireTestAgentImage, testAgentSpec } from '../../support/docker';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The agent logs one JSON object per line; every heartbeat line must parse. */
function isJsonLine(line: LogLine): boolean {
  try {
    return typeof JSON.parse(line.line) === 'object';
  } catch {
    return false;
  }
}

describe('DockerDriver: logs against the real engine', () => {
  const ctx = dockerTestContext();
  const driver = new DockerDriver(ctx.client);
  let agentId = '';

  beforeAll(async () => {
    await requireTestAgentImage(ctx.client.api);
    const { id } = await driver.createContainer(testAgentSpec(ctx, 'logs'));
    await driver.start(id);
    agentId = id;
  });

  afterAll(async () => {
    await removeTestObjects(ctx);
  });

  test('logsTail returns the last heartbeat lines, demultiplexed and timestamped', async () => {
    const lines = await eventually('three log lines', async () => {
      const tail = await driver.logsTail(agentId, 3);
      return tail.length === 3 ? tail : undefined;
    });
    for (const line of lines) {
      assert.equal(line.stream, 'stdout');
      assert.match(line.ts ?? '', RFC3339);
      assert.ok(isJsonLine(line), `a JSON line without frame bytes or timestamp: ${JSON.stringify(line.line)}`);
    }
    assert.ok(lines[0]!.ts! <= lines[2]!.ts!, 'oldest first');
    assert.equal((await driver.logsTail(agentId, 1)).length, 1);
  });

  test('followLogs yields new lines and ends when the signal aborts', async () => {
    const controller = new AbortController();
    const startedAt = new Date().toISOString();
    const seen: LogLine[] = [];
    for await (const line of driver.followLogs(agentId, { tail: 0, signal: controller.signal })) {
      seen.push(line);
      if (seen.length === 2) controller.abort();
    }
    assert.equal(seen.length, 2);
    for (const line of seen) {
      assert.ok(isJsonLine(line));
      assert.ok(line.ts! >= startedAt.slice(0, 19), `only new lines: ${line.ts} vs ${startedAt}`);
    }
  });

  test('followLogs ends promptly when aborted while waiting for the next line', async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 1_500);
    const began = Date.now();
    let count = 0;
    for await (const _line of driver.followLogs(agentId, { tail: 0, signal: controller.signal })) count++;
    clearTimeout(timer);
    assert.ok(Date.now() - began < 3_000, `ended ${Date.now() - began} ms after start`);
    assert.ok(count >= 1, 'heartbeats arrived before the abort');
  });

  test('followLogs with since replays from that time, then ends when the container stops', async () => {
    const { id } = await driver.createContainer(testAgentSpec(ctx, 'logs-stop'));
    const since = new Date();
    await driver.start(id);
    await eventually('a first heartbeat', async () => ((await driver.logsTail(id, 1)).length === 1 ? true : undefined));

    const controller = new AbortController();
    const guard = setTimeout(() => controller.abort(), 15_000);
    const seen: LogLine[] = [];
    for await (const line of driver.followLogs(id, { since, signal: controller.signal })) {
      seen.push(line);
      if (seen.length === 2) void driver.stop(id, 5);
    }
    clearTimeout(guard);
    assert.equal(controller.signal.aborted, false, 'the stream ended because the container stopped, not by the guard');
    assert.ok(seen.length >= 2);
    assert.equal((await driver.inspect(id))?.running, false);
  });

  test('logs of a missing container fail with DOCKER.CONTAINER_NOT_FOUND', async () => {
    await assert.rejects(driver.logsTail(ctx.name('missing'), 5), { code: 'DOCKER.CONTAINER_NOT_FOUND' });
    const iterate = async () => {
      for await (const _line of driver.followLogs(ctx.name('missing'), { signal: new AbortController().signal })) {
        // nothing arrives
      }
    };
    await assert.rejects(iterate(), { code: 'DOCKER.CONTAINER_NOT_FOUND' });
  });
});
