import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_CONFIG_DIR, TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';
import { explain, parseTable, sacp } from '../cli/sacp';

/** A listener on 127.0.0.1 the agent's container wants to publish its port on. */
async function occupyPort(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  return server;
}

/** The shared fixtures plus a template whose host port is taken by the test. */
function configWithPortTaken(port: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'sacp-backoff-'));
  cpSync(FIXTURE_CONFIG_DIR, dir, { recursive: true });
  writeFileSync(
    join(dir, 'agents', 'port-taken.json'),
    JSON.stringify({
      name: 'port-taken',
      description: 'The sim agent publishing a host port the test holds',
      image: 'sacp/sim-agent:latest',
      resources: { memory: '64m', cpus: 0.25, pids: 64 },
      ports: [{ container: 8080, host: port }],
      security: { user: '1000' },
      stopTimeoutSeconds: 3,
    }),
  );
  return dir;
}

const typesOf = async (cp: TestControlPlane, agentId: string) =>
  (await cp.pool.query<{ type: string }>("select type from events where stream_id = 'agent-'||$1 order by stream_position", [agentId])).rows.map((r) => r.type);

const failuresOf = async (cp: TestControlPlane, agentId: string) =>
  (await cp.pool.query<{ n: number }>("select count(*)::int as n from events where stream_id = 'agent-'||$1 and type = 'agent.operation_failed'", [agentId])).rows[0]!.n;

describe('a Docker operation that keeps failing backs off, then waits for an operator (real NATS, Postgres, Docker)', () => {
  const LIMIT = 3;
  const PASS_MS = 200;
  let listener: Server;
  let configDir: string;
  let cp: TestControlPlane;

  beforeAll(async () => {
    listener = await occupyPort();
    configDir = configWithPortTaken((listener.address() as { port: number }).port);
    cp = await new TestControlPlane({
      configDir,
      env: {
        // the port the test holds is one the OS picked; the policy must let the template ask for it
        SACP_HOST_PORT_RANGE: '1024-65535',
        SACP_RECONCILE_INTERVAL_MS: String(PASS_MS),
        SACP_OPERATION_RETRY_LIMIT: String(LIMIT),
        SACP_OPERATION_RETRY_INITIAL_MS: '400',
        SACP_OPERATION_RETRY_MAX_MS: '800',
        SACP_OPERATION_RETRY_MULTIPLIER: '2',
      },
    }).start();
  });
  afterAll(async () => {
    await cp?.stop();
    listener?.close();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  test('an agent whose host port is taken adds a bounded number of events, its alert says why, and an operator clears it', async () => {
    const agentId = await cp.deploy('port-taken', 'blocked');

    // while it backs off, the status says it is failing, how often, and when it tries next
    const backingOff = await cp.waitForAgent(agentId, (a) => !!a.failing && !a.failing.gaveUp, 'backing off', 30_000);
    assert.equal(backingOff.failing!.operation, 'start');
    assert.ok(backingOff.failing!.nextAttemptAt, 'a next attempt time');
    assert.equal(backingOff.failing!.limit, LIMIT);

    const gaveUp = await cp.waitForAgent(agentId, (a) => !!a.failing?.gaveUp, 'giving up', 30_000);
    assert.equal(gaveUp.failing!.failures, LIMIT);
    assert.equal(gaveUp.failing!.nextAttemptAt, null);

    // 25 more passes: nothing more is tried or recorded
    const passes = 25;
    const before = await typesOf(cp, agentId);
    await new Promise((r) => setTimeout(r, passes * PASS_MS));
    const afterPasses = await typesOf(cp, agentId);
    assert.deepEqual(afterPasses, before, 'no event while it waits for an operator');
    // the bound the policy gives: deployed, container_created, then one failure per attempt up to the limit
    assert.equal(await failuresOf(cp, agentId), LIMIT, afterPasses.join(', '));
    assert.ok(afterPasses.length <= 2 + LIMIT, afterPasses.join(', '));

    // the alert: critical, and it says why (the operation, the Docker error, the attempts)
    const { rows: alerts } = await cp.pool.query<{ data: { severity: string; message: string; cause: string; agentId: string } }>(
      "select data from events where type = 'alert.raised' and stream_id = $1",
      [`alert-agent:${agentId}:operation`],
    );
    assert.equal(alerts.length, 1);
    const alert = alerts[0]!.data;
    assert.equal(alert.severity, 'critical');
    assert.equal(alert.agentId, agentId);
    assert.match(alert.message, new RegExp(`Docker start failed ${LIMIT} times in a row`));
    assert.match(alert.message, /port is already allocated|address already in use|bind/i, alert.message);
    const shown = await cp.waitForAgent(agentId, (a) => a.lastAlert?.state === 'open', 'its alert');
    assert.equal(shown.lastAlert!.severity, 'critical');

    // `sacp status` says so too
    const status = await sacp(['status'], { env: cp.cliEnv });
    assert.equal(status.code, 0, explain(status));
    const row = parseTable(status.stdout).find((r) => r['NAME'] === 'blocked');
    assert.match(row?.['ERROR'] ?? '', new RegExp(`^DOCKER\\.\\w+ \\(${LIMIT}/${LIMIT}, gave up\\): `), status.stdout);

    // the operator frees the port and restarts it: the back-off starts afresh and the agent runs
    await new Promise<void>((r) => listener.close(() => r()));
    const restart = await cp.command('agent.restart', { agent: 'blocked' });
    assert.ok(restart.ok, JSON.stringify(restart));
    const running = await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running after the port is free', 30_000);
    assert.equal(running.failing, null);
    const resolved = await cp.waitForAgent(agentId, (a) => a.lastAlert?.state === 'resolved', 'its alert resolved');
    assert.match(resolved.lastAlert!.message, /blocked is running again/);
  });

  test('a missing image: one failure per attempt, never one per pass', async () => {
    const agentId = await cp.deploy('missing-image', 'imageless');
    await cp.waitForAgent(agentId, (a) => !!a.failing?.gaveUp, 'giving up', 30_000);
    await new Promise((r) => setTimeout(r, 10 * PASS_MS));
    assert.equal(await failuresOf(cp, agentId), LIMIT);
    const [view] = await cp.status(agentId);
    assert.equal(view!.failing!.code, 'DOCKER.IMAGE_NOT_FOUND');
    assert.equal(view!.failing!.operation, 'create');

    // an operator's start is not "already on its way": it starts the back-off afresh
    const start = await cp.command<{ changed: boolean }>('agent.start', { agent: 'imageless' });
    assert.ok(start.ok && start.result.changed, JSON.stringify(start));
    await waitFor('a new attempt after the start', async () => (await failuresOf(cp, agentId)) > LIMIT, 10_000, 100);
    await cp.waitForAgent(agentId, (a) => !!a.failing?.gaveUp && a.failing.failures === LIMIT && a.failing.since > view!.failing!.since, 'giving up again', 30_000);
    const { rows } = await cp.pool.query<{ failures: number }>(
      "select (data->>'failures')::int as failures from events where stream_id = 'agent-'||$1 and type = 'agent.operation_failed' order by stream_position",
      [agentId],
    );
    assert.deepEqual(
      rows.map((r) => r.failures),
      [1, 2, 3, 1, 2, 3],
      'the count started afresh after the start',
    );
  });
});

describe('the back-off lives in events: a restarted orchestrator neither retries at once nor forgets', () => {
  let cp: TestControlPlane;
  beforeAll(async () => {
    cp = await new TestControlPlane({
      env: { SACP_RECONCILE_INTERVAL_MS: '200', SACP_OPERATION_RETRY_LIMIT: '3', SACP_OPERATION_RETRY_INITIAL_MS: '6000', SACP_OPERATION_RETRY_MAX_MS: '6000' },
    }).start();
  });
  afterAll(async () => cp?.stop());

  test('after a restart, the next attempt waits for its recorded time, then counts on', async () => {
    const agentId = await cp.deploy('missing-image', 'patient');
    const first = await cp.waitForAgent(agentId, (a) => a.failing?.failures === 1, 'its first failure');
    const due = Date.parse(first.failing!.nextAttemptAt!);

    await cp.orchestrators[0]!.kill('SIGTERM');
    cp.orchestrators.shift();
    await cp.addOrchestrator();
    // the new orchestrator passes every 200 ms: none of them may retry before the recorded time
    while (Date.now() < due - 500) {
      assert.equal(await failuresOf(cp, agentId), 1, 'retried before its time after a restart');
      await new Promise((r) => setTimeout(r, 200));
    }
    const second = await cp.waitForAgent(agentId, (a) => (a.failing?.failures ?? 0) >= 2, 'its second failure', 20_000);
    assert.equal(second.failing!.failures, 2, 'the count went on from the recorded one');
    const { rows } = await cp.pool.query<{ at: string }>(
      "select metadata->>'occurredAt' as at from events where stream_id = 'agent-'||$1 and type = 'agent.operation_failed' order by stream_position",
      [agentId],
    );
    assert.ok(Date.parse(rows[1]!.at) >= due, `the second attempt (${rows[1]!.at}) came at or after ${first.failing!.nextAttemptAt}`);
  });
});
