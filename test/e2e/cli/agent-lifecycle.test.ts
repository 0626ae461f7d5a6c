import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';
import { collect, explain, parseTable, sacp, spawnSacp } from './sacp';

/**
 * One agent's whole life through the real `sacp` binary against a real control
 * plane: deploy, status, logs, stop, start, restart, history, rm. The tests run in
 * order and share the agent, as an operator's session would.
 */
describe('sacp: an agent from deploy to rm', () => {
  let cp: TestControlPlane;
  let env: Record<string, string>;
  let agentId = '';
  let containerId = '';
  const run = (...args: string[]) => sacp(args, { env });

  beforeAll(async () => {
    cp = await new TestControlPlane().start();
    env = { ...cp.cliEnv, SACP_ACTOR: 'alice' };
  });
  afterAll(async () => {
    await cp?.stop();
  });

  test('deploy --json prints the new agent once its container runs', async () => {
    const r = await run('deploy', 'sim', '--name', 'cli-a', '--reason', 'e2e: first deploy', '--json');
    assert.equal(r.code, 0, explain(r));
    const out = JSON.parse(r.stdout);
    assert.match(out.agentId, /^[0-9a-f-]{36}$/);
    assert.equal(out.name, 'cli-a');
    assert.equal(out.template.name, 'sim');
    assert.deepEqual(out.state, { desired: 'running', observed: 'running' });
    assert.equal(typeof out.containerId, 'string');
    agentId = out.agentId;
    containerId = out.containerId;

    const container = await cp.docker.inspect(containerId);
    assert.ok(container, 'the container the CLI reported exists');
    assert.equal(container.running, true);
    assert.equal(container.labels['sacp.agent.id'], agentId);
  });

  test('deploy prints a readable line by default', async () => {
    const r = await run('deploy', 'sim', '--name', 'cli-b');
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, /^deployed agent cli-b \([0-9a-f]{8}\) from template sim@\d+: running in container [0-9a-f]{12}\n$/);
  });

  test('status --json lists the agent with its state and container', async () => {
    const r = await run('status', '--json');
    assert.equal(r.code, 0, explain(r));
    const views = JSON.parse(r.stdout) as { id: string; name: string; state: unknown; containerId: string; template: unknown; resources: unknown }[];
    const a = views.find((v) => v.id === agentId);
    assert.ok(a, `agent ${agentId} is listed: ${r.stdout}`);
    assert.equal(a.name, 'cli-a');
    assert.equal(a.resources, null, 'no monitor answers for resource figures here');
    assert.deepEqual(a.state, { desired: 'running', observed: 'running' });
    assert.equal(a.containerId, containerId);
    assert.deepEqual(views.map((v) => v.name).sort(), ['cli-a', 'cli-b']);
  });

  test('status prints a table with short ids, template@version and the container', async () => {
    const r = await run('status', 'cli-a');
    assert.equal(r.code, 0, explain(r));
    const rows = parseTable(r.stdout);
    assert.equal(rows.length, 1, r.stdout);
    assert.deepEqual(Object.keys(rows[0]!), [
      'NAME',
      'ID',
      'TEMPLATE',
      'DESIRED',
      'OBSERVED',
      'HEALTH',
      'CPU',
      'MEM',
      'RESTARTS',
      'LAST EXIT',
      'NEXT RESTART',
      'CONTAINER',
      'ALERT',
      'ERROR',
    ]);
    assert.equal(rows[0]!.NAME, 'cli-a');
    assert.equal(rows[0]!.ID, agentId.replace(/-/g, '').slice(-8), 'the random end of the UUIDv7, not its timestamp');
    assert.match(rows[0]!.TEMPLATE!, /^sim@\d+$/);
    assert.equal(rows[0]!.DESIRED, 'running');
    assert.equal(rows[0]!.OBSERVED, 'running');
    assert.equal(rows[0]!.CONTAINER, containerId.slice(0, 12));
    assert.equal(rows[0]!.RESTARTS, '0');
    assert.equal(rows[0]!.ERROR, '-');
    // no monitor runs in this file: no health verdict, no resource figures, no recovery
    for (const column of ['HEALTH', 'CPU', 'MEM', 'LAST EXIT', 'NEXT RESTART', 'ALERT']) assert.equal(rows[0]![column], '-', column);
  });

  test('status shows CPU and MEM from the monitor\'s metrics reply, and "-" when it is too slow', async () => {
    // stands in for the monitor: the reply of sacp.qry.metrics.agents as its contract describes it
    let delayMs = 0;
    const sample = {
      cpuPercent: 12.34,
      memoryBytes: 8.4 * 1024 * 1024,
      memoryLimitBytes: 64 * 1024 * 1024,
      networkRxBytes: 1200,
      networkTxBytes: 800,
      pids: 3,
      at: new Date().toISOString(),
    };
    // only the monitor's credential may answer metrics queries
    const monitor = await cp.connectAs('monitor');
    const sub = monitor.subscribe('sacp.qry.metrics.agents', {
      callback: (_e, m) => void setTimeout(() => m.respond(JSON.stringify({ ok: true, result: { host: null, agents: { [agentId]: sample } } })), delayMs),
    });
    await monitor.flush();
    try {
      const r = await run('status', 'cli-a');
      assert.equal(r.code, 0, explain(r));
      const row = parseTable(r.stdout)[0]!;
      assert.equal(row.CPU, '12%');
      assert.equal(row.MEM, '8.4MiB/64MiB');
      const j = await run('status', 'cli-a', '--json');
      assert.deepEqual(JSON.parse(j.stdout)[0].resources, sample);

      delayMs = 3000;
      const began = Date.now();
      const slow = await run('status', 'cli-a');
      assert.equal(slow.code, 0, explain(slow));
      assert.ok(Date.now() - began < 2900, `status did not wait for the slow monitor (${Date.now() - began} ms)`);
      const slowRow = parseTable(slow.stdout)[0]!;
      assert.deepEqual([slowRow.CPU, slowRow.MEM, slowRow.OBSERVED], ['-', '-', 'running']);
    } finally {
      sub.unsubscribe();
      await monitor.close();
    }
  });

  test("logs prints the agent's heartbeat lines", async () => {
    // the sim agent logs a heartbeat every second
    const r = await waitFor(
      'two heartbeats in the logs',
      async () => {
        const res = await run('logs', 'cli-a', '-n', '50');
        return (res.stdout.match(/"msg":"heartbeat"/g) ?? []).length >= 2 ? res : null;
      },
      15_000,
      500,
    );
    assert.equal(r.code, 0, explain(r));
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(
      lines.every((l) => JSON.parse(l).agent === 'cli-a' || JSON.parse(l).agent === null),
      r.stdout,
    );
    const few = await run('logs', 'cli-a', '-n', '1');
    assert.equal(few.code, 0, explain(few));
    assert.equal(few.stdout.trimEnd().split('\n').length, 1, '-n 1 prints exactly one line');
  });

  test('logs -f streams new lines and exits 0 on Ctrl-C', async () => {
    // watch the session's control subjects: Ctrl-C must tell the orchestrator to stop streaming
    const control: string[] = [];
    const watch = cp.nc.subscribe(`sacp.logs.${agentId}.>`, { callback: (_e, m) => void control.push(`${m.subject.split('.').slice(4).join('.') || 'line'} ${m.string()}`) });
    await cp.nc.flush();
    const child = spawnSacp(['logs', 'cli-a', '-f', '-n', '1'], { env });
    child.stdin!.end();
    const done = collect(child, 30_000, ['logs', '-f']);
    // -n 1 replays one old line; a second and third heartbeat can only be new ones
    await waitFor('new heartbeats while following', async () => (child.out.join('').match(/"msg":"heartbeat"/g) ?? []).length >= 3, 15_000, 100);
    const seqs = child.out
      .join('')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).n as number)
      .filter((n) => n !== undefined);
    assert.ok(
      seqs.every((n, i) => i === 0 || n > seqs[i - 1]!),
      `heartbeats in order: ${seqs.join(',')}`,
    );
    child.kill('SIGINT');
    const r = await done;
    assert.equal(r.code, 0, explain(r));
    await waitFor('the orchestrator to end the stream', async () => control.some((c) => c.endsWith('{"end":true}')), 5000, 50).finally(() => watch.unsubscribe());
    assert.ok(
      control.some((c) => c.startsWith('stop ')),
      `the CLI sent stop: ${control.filter((c) => !c.includes('heartbeat')).join(' | ')}`,
    );
  });

  test('stop waits until the container is stopped', async () => {
    const r = await run('stop', 'cli-a', '--reason', 'e2e: pause it');
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, /^agent cli-a \([0-9a-f]{8}\) stopped\n$/);
    assert.equal((await cp.docker.inspect(containerId))?.running, false);
    const view = (await cp.status(agentId))[0]!;
    assert.equal(view.state.observed, 'stopped');

    const again = await run('stop', 'cli-a');
    assert.equal(again.code, 0, explain(again));
    assert.match(again.stdout, /was already stopped/);
  });

  test('start waits until the agent runs again', async () => {
    const r = await run('start', 'cli-a', '--json');
    assert.equal(r.code, 0, explain(r));
    const out = JSON.parse(r.stdout);
    assert.equal(out.changed, true);
    assert.deepEqual(out.state, { desired: 'running', observed: 'running' });
    assert.equal((await cp.docker.inspect(out.containerId))?.running, true);
    containerId = out.containerId;
  });

  test('restart restarts the container and counts it', async () => {
    const before = await cp.docker.inspect(containerId);
    const r = await run('restart', 'cli-a', '--reason', 'e2e: new config', '--json');
    assert.equal(r.code, 0, explain(r));
    const out = JSON.parse(r.stdout);
    assert.equal(out.restarts, 1);
    assert.equal(out.state.observed, 'running');
    const afterwards = await cp.docker.inspect(out.containerId);
    assert.equal(afterwards?.running, true);
    assert.notEqual(afterwards?.startedAt, before?.startedAt, 'the container was started anew');
  });

  test('history shows who did what, when and why', async () => {
    const r = await run('history', 'cli-a');
    assert.equal(r.code, 0, explain(r));
    const rows = parseTable(r.stdout);
    assert.deepEqual(Object.keys(rows[0]!), ['TIME', 'ACTOR', 'EVENT', 'WHY', 'SOURCE', 'CAUSED BY']);
    const deployed = rows.find((row) => row.EVENT === 'agent.deployed');
    assert.ok(deployed, r.stdout);
    assert.equal(deployed.ACTOR, 'cli:alice');
    assert.equal(deployed.WHY, 'e2e: first deploy');
    assert.match(deployed.SOURCE!, /^cli@/);
    assert.match(deployed.TIME!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    const stop = rows.find((row) => row.EVENT === 'agent.stop_requested');
    assert.equal(stop?.WHY, 'e2e: pause it');
    assert.equal(stop?.ACTOR, 'cli:alice');
    assert.ok(
      rows.some((row) => row.EVENT === 'agent.restart_requested' && row.WHY === 'e2e: new config'),
      r.stdout,
    );
    // what the orchestrator did on its own is recorded as the system's doing
    assert.ok(
      rows.some((row) => row.EVENT === 'agent.container_started' && row.ACTOR!.startsWith('system:')),
      r.stdout,
    );

    const j = await run('history', 'cli-a', '--json', '--limit', '2');
    assert.equal(j.code, 0, explain(j));
    assert.equal(JSON.parse(j.stdout).length, 2);
  });

  test('rm removes the agent and its container', async () => {
    const r = await run('rm', 'cli-a', '--reason', 'e2e: done');
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, /^agent cli-a \([0-9a-f]{8}\) removed/);
    assert.equal(await cp.docker.inspect(containerId), null, 'the container is gone');
    const list = await run('status', '--json');
    assert.deepEqual(
      (JSON.parse(list.stdout) as { name: string }[]).map((v) => v.name),
      ['cli-b'],
    );
    // the history outlives the agent, by id
    const h = await run('history', agentId);
    assert.equal(h.code, 0, explain(h));
    assert.match(h.stdout, /agent\.remove_requested\s+e2e: done/);
  });

  test('an unknown agent is refused with AGENT.NOT_FOUND and exit 1', async () => {
    for (const args of [
      ['stop', 'no-such-agent'],
      ['status', 'no-such-agent'],
      ['logs', 'no-such-agent'],
      ['history', 'cli-a'],
      ['why', 'no-such-agent'],
    ]) {
      const r = await run(...args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${explain(r)}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^sacp: \w+: AGENT\.NOT_FOUND: no agent named "(no-such-agent|cli-a)"/, `${args.join(' ')}: ${explain(r)}`);
    }
  });

  test('deploying with a name in use is refused with the reason', async () => {
    const r = await run('deploy', 'sim', '--name', 'cli-b');
    assert.equal(r.code, 1, explain(r));
    assert.match(r.stderr, /^sacp: deploy: AGENT\.NAME_IN_USE: the name "cli-b" is already used/);
  });
});
