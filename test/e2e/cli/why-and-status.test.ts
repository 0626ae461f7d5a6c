import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';
import { explain, parseTable, sacp } from './sacp';

interface Step {
  eventId: string;
  type: string;
  at: string;
  summary: string;
  actor: { kind: string; id: string; displayName: string };
  reason: string | null;
  causationId: string | null;
  data: Record<string, unknown>;
}

/** The lines `sacp why` prints, split into their columns (separated by two spaces or more). */
const whyLines = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .filter((l) => !l.startsWith('('))
    .map((l) => {
      const [time, type, summary, actor, why] = l.split(/ {2,}/);
      return { time: time ?? '', type: type ?? '', summary: summary ?? '', actor: actor ?? '', why: why ?? '' };
    });

/**
 * `sacp why` and the monitor's columns of `sacp status`, against a real orchestrator
 * and a real monitor, with real containers of the sim agent.
 */
describe('sacp why and status: causation chains, recovery and alerts', () => {
  let cp: TestControlPlane;
  let env: Record<string, string>;
  const run = (...args: string[]) => sacp(args, { env });
  let crashyId = '';

  beforeAll(async () => {
    // samples every half second, so resource figures show up quickly
    cp = await new TestControlPlane({ monitors: 1, env: { MONITOR_SAMPLE_INTERVAL_MS: '500' } }).start();
    env = { ...cp.cliEnv, SACP_ACTOR: 'carol' };
  });
  afterAll(async () => {
    await cp?.stop();
  });

  const typesOf = async (agentId: string) =>
    (await cp.pool.query<{ type: string }>(`select type from events where stream_id = 'agent-'||$1 order by stream_position`, [agentId])).rows.map((r) => r.type);

  test('why explains a crash loop that was given up on: exit 1 → restart scheduled → restarted → … → recovery abandoned', async () => {
    const d = await run('deploy', 'crashy', '--name', 'crashy-1', '--no-wait', '--reason', 'e2e: crash loop', '--json');
    assert.equal(d.code, 0, explain(d));
    crashyId = JSON.parse(d.stdout).agentId;
    await waitFor('recovery to be abandoned', async () => (await typesOf(crashyId)).includes('agent.recovery_abandoned'), 60_000, 200);

    const r = await run('why', 'crashy-1');
    assert.equal(r.code, 0, explain(r));
    const lines = whyLines(r.stdout);
    const last = lines[lines.length - 1]!;
    assert.equal(last.type, 'agent.recovery_abandoned', r.stdout);
    assert.equal(last.actor, 'system:monitor');
    assert.match(last.summary, /^gave up after 3 restarts within 120s \(crashed: exit 1\)$/);
    assert.match(last.why, /reason: 3 restarts within 120 s reached the limit of 3/);
    const cause = lines[lines.length - 2]!;
    assert.equal(cause.type, 'agent.container_exited', r.stdout);
    assert.equal(cause.summary, 'exit 1');
    assert.match(cause.time, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    // and before it the whole loop, back to the operator's deploy
    const scheduled = lines.filter((l) => l.type === 'agent.restart_scheduled');
    assert.deepEqual(
      scheduled.map((l) => l.summary),
      ['restart #1 in 0.4s (crashed)', 'restart #2 in 0.8s (crashed)', 'restart #3 in 1.6s (crashed)'],
      r.stdout,
    );
    assert.ok(
      scheduled.every((l) => l.actor === 'system:monitor'),
      r.stdout,
    );
    assert.equal(lines.filter((l) => l.type === 'agent.container_restarted').length, 3, r.stdout);
    assert.equal(lines.filter((l) => l.type === 'agent.container_exited').length, 4, r.stdout);
    for (let i = 1; i < lines.length; i++) {
      if (lines[i]!.type === 'agent.restart_scheduled') assert.equal(lines[i - 1]!.type, 'agent.container_exited', `a restart answers an exit:\n${r.stdout}`);
      if (lines[i]!.type === 'agent.container_restarted') assert.equal(lines[i - 1]!.type, 'agent.restart_scheduled', `a restart follows its schedule:\n${r.stdout}`);
    }
    assert.equal(lines[0]!.type, 'agent.deployed', r.stdout);
    assert.equal(lines[0]!.actor, 'cli:carol', 'the chain starts with the operator who caused it');
    assert.equal(lines[0]!.why, 'reason: e2e: crash loop');
    assert.match(lines[0]!.summary, /^deployed as crashy-1 from crashy@\d+$/);

    // --json: the same chain, each step caused by the one before it
    const j = await run('why', 'crashy-1', '--json');
    assert.equal(j.code, 0, explain(j));
    const steps = JSON.parse(j.stdout) as Step[];
    assert.deepEqual(
      steps.map((s) => s.type),
      lines.map((l) => l.type),
    );
    assert.equal(steps[0]!.causationId, null);
    for (let i = 1; i < steps.length; i++) assert.equal(steps[i]!.causationId, steps[i - 1]!.eventId, `step ${i} is caused by step ${i - 1}`);
    assert.equal(steps[steps.length - 1]!.summary, last.summary);
    assert.deepEqual(steps[steps.length - 2]!.data.exitCode, 1);

    // --depth keeps the newest steps
    const short = await run('why', 'crashy-1', '--depth', '2');
    assert.equal(short.code, 0, explain(short));
    assert.deepEqual(
      whyLines(short.stdout).map((l) => l.type),
      ['agent.container_exited', 'agent.recovery_abandoned'],
    );
    assert.match(short.stdout, /\(earlier causes left out by --depth 2\)\n$/);
  });

  test('status shows the last exit, that recovery gave up, the restarts and the open alert', async () => {
    await cp.waitForAgent(crashyId, (v) => v.lastAlert?.state === 'open' && v.recoveryAbandoned, 'the recovery alert to be open', 30_000);
    const r = await run('status', 'crashy-1');
    assert.equal(r.code, 0, explain(r));
    const [row] = parseTable(r.stdout);
    assert.ok(row, r.stdout);
    assert.equal(row.NAME, 'crashy-1');
    assert.equal(row.DESIRED, 'running');
    assert.equal(row['LAST EXIT'], '1');
    assert.equal(row.RESTARTS, '3');
    assert.equal(row['NEXT RESTART'], 'gave up');
    assert.match(row.ALERT!, /^critical: crashy-1 failed 4 times/);
    assert.equal(row.HEALTH, '-', 'crashy has no health checks');
    // resource figures come from the monitor's metrics query when it answers one, else "-"
    const metrics = await cp.nc.request('sacp.qry.metrics.agents', '{}', { timeout: 1000 }).then(
      (m) => m.json<{ ok: boolean; result?: { agents: Record<string, unknown> } }>(),
      () => null,
    );
    if (metrics?.ok && metrics.result?.agents[crashyId]) {
      assert.match(row.CPU!, /^\d+(\.\d)?%$/);
      assert.match(row.MEM!, /^[\d.]+(B|KiB|MiB|GiB)(\/[\d.]+(B|KiB|MiB|GiB))?$/);
    } else if (!metrics) {
      assert.equal(row.CPU, '-');
      assert.equal(row.MEM, '-');
    }

    const j = await run('status', 'crashy-1', '--json');
    assert.equal(j.code, 0, explain(j));
    const [view] = JSON.parse(j.stdout);
    assert.deepEqual(view.lastExit, { code: 1, oomKilled: false });
    assert.equal(view.recoveryAbandoned, true);
    assert.equal(view.lastAlert.severity, 'critical');
    assert.ok('resources' in view, 'every agent carries a resources field');
    if (!metrics) assert.equal(view.resources, null);
  });

  test('status shows when the next restart is due while a back-off runs', async () => {
    // a fresh crash loop: between an exit and its restart, NEXT RESTART counts down
    const d = await run('deploy', 'crashy', '--name', 'crashy-2', '--no-wait', '--json');
    assert.equal(d.code, 0, explain(d));
    const id = JSON.parse(d.stdout).agentId as string;
    const seen = await waitFor(
      'a status while a restart is scheduled',
      async () => {
        const s = await run('status', 'crashy-2');
        const [row] = parseTable(s.stdout);
        return row && /^(in \d+(\.\d)?s|due now|overdue .+)$/.test(row['NEXT RESTART']!) ? row : null;
      },
      30_000,
      50,
    );
    assert.equal(seen['LAST EXIT'], '1', 'the exit that the restart answers');
    await waitFor('recovery of crashy-2 to be abandoned', async () => (await typesOf(id)).includes('agent.recovery_abandoned'), 60_000, 200);
  });

  test('status shows CPU and MEM of a running agent from the monitor\'s samples, "-" when no monitor answers', async () => {
    const d = await run('deploy', 'sim', '--name', 'x');
    assert.equal(d.code, 0, explain(d));
    const answers = await cp.nc.request('sacp.qry.metrics.agents', '{}', { timeout: 1000 }).then(
      () => true,
      () => false,
    );
    if (!answers) {
      // a monitor without the metrics query: the table still comes, without figures
      const [row] = parseTable((await run('status', 'x')).stdout);
      assert.deepEqual([row!.CPU, row!.MEM], ['-', '-']);
      return;
    }
    await waitFor('a resource sample of x', async () => JSON.parse((await run('status', 'x', '--json')).stdout)[0].resources, 30_000, 300);
    const r = await run('status', 'x');
    assert.equal(r.code, 0, explain(r));
    const [row] = parseTable(r.stdout);
    assert.match(row!.CPU!, /^\d+(\.\d)?%$/, r.stdout);
    assert.match(row!.MEM!, /^[\d.]+(B|KiB|MiB|GiB)\/64MiB$/, `the sim template's limit is 64m: ${r.stdout}`);
  });

  test("why shows an operator's stop: container stopped, caused by the stop requested by cli:carol with the reason", async () => {
    const s = await run('stop', 'x', '--reason', 'maintenance');
    assert.equal(s.code, 0, explain(s));

    const r = await run('why', 'x');
    assert.equal(r.code, 0, explain(r));
    const lines = whyLines(r.stdout);
    assert.deepEqual(
      lines.map((l) => [l.type, l.summary, l.actor, l.why]),
      [
        ['agent.stop_requested', 'stop requested', 'cli:carol', 'reason: maintenance'],
        ['agent.container_stopped', lines[1]?.summary ?? '', 'system:control plane', ''],
      ],
      r.stdout,
    );
    assert.match(lines[1]!.summary, /^stopped( \(exit \d+\))?$/);

    const j = await run('why', 'x', '--json');
    const steps = JSON.parse(j.stdout) as Step[];
    assert.deepEqual(
      steps.map((st) => [st.type, st.actor.kind, st.actor.id, st.reason]),
      [
        ['agent.stop_requested', 'cli', 'carol', 'maintenance'],
        ['agent.container_stopped', 'system', steps[1]!.actor.id, null],
      ],
    );
    assert.equal(steps[1]!.causationId, steps[0]!.eventId);
  });

  test('why for an unknown agent exits 1 with AGENT.NOT_FOUND', async () => {
    const r = await run('why', 'no-such-agent');
    assert.equal(r.code, 1, explain(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^sacp: why: AGENT\.NOT_FOUND: no agent named "no-such-agent"/);
  });
});
