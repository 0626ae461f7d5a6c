import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TestControlPlane } from '../../support/control-plane';

/** Tells the sim agent what to do, as an operator would: docker exec. */
const simCtl = (containerId: string, ...args: string[]) => promisify(execFile)('docker', ['exec', containerId, 'sim-ctl', ...args]).catch(() => undefined);
import { waitFor } from '../../support/ports';

interface Row {
  event_id: string;
  type: string;
  data: { attempt?: number; delayMs?: number; dueAt?: string; cause?: { kind: string; eventId: string }; exitCode?: number };
  metadata: { causationId: string | null };
}

describe('recovery across monitor restarts, replicas and changes made outside (real processes)', () => {
  // two monitor replicas; the orchestrator ignores Docker's event stream, so only its periodic pass notices outside changes
  const cp = new TestControlPlane({ monitors: 2, env: { SACP_WATCH_DOCKER_EVENTS: 'false', SACP_RECONCILE_INTERVAL_MS: '1000' } });
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => {
    await cp.stop();
  });

  /** The sim agent handles SIGTERM once it has logged its first heartbeat; before that a stop ends in SIGKILL (137). */
  const heartbeating = (containerId: string) =>
    waitFor('the agent to heartbeat', async () => (await cp.docker.logsTail(containerId, 20)).some((l) => l.line.includes('"heartbeat"')), 30_000, 100);

  const streamOf = async (agentId: string) =>
    (await cp.pool.query<Row>('select event_id, type, data, metadata from events where stream_id = $1 order by stream_position', [`agent-${agentId}`])).rows;

  test('two monitor replicas answer each crash once: no double restart', async () => {
    const agentId = await cp.deploy('crashy', 'twice-watched');
    const events = await waitFor(
      'recovery to be abandoned',
      async () => {
        const rows = await streamOf(agentId);
        return rows.some((r) => r.type === 'agent.recovery_abandoned') ? rows : null;
      },
      60_000,
      200,
    );
    const scheduled = events.filter((e) => e.type === 'agent.restart_scheduled');
    assert.deepEqual(
      scheduled.map((e) => e.data.attempt),
      [1, 2, 3],
    );
    assert.equal(new Set(scheduled.map((e) => e.data.cause!.eventId)).size, 3, 'each crash answered by one schedule');
    assert.equal(events.filter((e) => e.type === 'agent.container_restarted').length, 3);
    const { rows } = await cp.pool.query("select count(*)::int as n from command_audit where command_type = 'agent.schedule_restart' and outcome in ('accepted', 'duplicate')");
    assert.ok(rows[0].n >= 3);
    await cp.command('agent.stop', { agent: 'twice-watched' });
  });

  test('a monitor killed in the middle of a back-off neither loses nor repeats the restart', async () => {
    for (const m of cp.monitors.splice(1)) await m.kill('SIGKILL');
    const agentId = await cp.deploy('sim', 'mid-backoff');
    const running = await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running');
    // crash it, then kill the monitor as soon as the restart is scheduled (the delay is 1 s by the sim template's default back-off)
    await simCtl(running.containerId!, 'exit', '3');
    const scheduled = await waitFor('the restart to be scheduled', async () => (await streamOf(agentId)).find((e) => e.type === 'agent.restart_scheduled'), 30_000, 20);
    for (const m of cp.monitors.splice(0)) await m.kill('SIGKILL');
    assert.ok(Date.parse(scheduled.data.dueAt!) > Date.now() - 500, 'the monitor died before the restart was due');
    await cp.waitForAgent(agentId, (a) => a.restarts === 1 && a.state.observed === 'running', 'restarted while no monitor ran');
    await cp.addMonitor();
    await new Promise((r) => setTimeout(r, 3000)); // the new monitor reads the history and resumes
    const events = await streamOf(agentId);
    assert.equal(
      events.filter((e) => e.type === 'agent.restart_scheduled').length,
      1,
      `not repeated by the new monitor: ${events.map((e) => `${e.type}${e.data.exitCode !== undefined ? `(${e.data.exitCode})` : ''}`).join(', ')}`,
    );
    assert.equal(events.filter((e) => e.type === 'agent.container_restarted').length, 1);
  });

  test('a crash while no monitor runs is answered when one starts again', async () => {
    for (const m of cp.monitors.splice(0)) await m.kill('SIGTERM');
    const [view] = await cp.status('mid-backoff');
    await simCtl(view!.containerId!, 'exit', '4');
    await cp.waitForAgent(view!.id, (a) => a.state.observed === 'exited', 'exited and recorded');
    await cp.addMonitor();
    const restarted = await cp.waitForAgent(view!.id, (a) => a.restarts === 2 && a.state.observed === 'running', 'restarted after the monitor came back');
    assert.deepEqual(restarted.lastExit, { code: 4, oomKilled: false });
  });

  test('docker rm outside the control plane is noticed by the periodic pass and handled by policy', async () => {
    const [view] = await cp.status('mid-backoff');
    await heartbeating(view!.containerId!);
    const removedAt = Date.now();
    await cp.docker.remove(view!.containerId!, { force: true });
    const back = await cp.waitForAgent(view!.id, (a) => a.state.observed === 'running' && a.containerId !== view!.containerId, 'recreated', 30_000);
    assert.ok(Date.now() - removedAt < 15_000, 'within a bounded time');
    const events = await streamOf(view!.id);
    // a forced rm may first be seen as the container dying (exit 137), then as gone: either way, one answer
    const vanishedAt = events.findIndex((e) => e.type === 'agent.container_removed' && (e.data as { containerId?: string }).containerId === view!.containerId);
    assert.ok(vanishedAt > 0, 'the removal was recorded');
    let incidentStart = vanishedAt;
    while (incidentStart > 0 && !['agent.container_started', 'agent.container_restarted'].includes(events[incidentStart]!.type)) incidentStart--;
    const answers = events.filter((e, i) => i > incidentStart && e.type === 'agent.restart_scheduled');
    assert.equal(answers.length, 1, 'the incident is answered once');
    assert.ok(['vanished', 'crashed'].includes(answers[0]!.data.cause!.kind), answers[0]!.data.cause!.kind);
    assert.ok(back.containerId);
  });

  test('docker stop outside the control plane is recorded, and the policy decides (exit 0 is not a failure under on-failure)', async () => {
    const [view] = await cp.status('mid-backoff');
    await heartbeating(view!.containerId!);
    await cp.docker.stop(view!.containerId!, 5);
    const stopped = await cp.waitForAgent(view!.id, (a) => a.state.observed === 'exited', 'recorded as exited', 30_000);
    assert.deepEqual(stopped.lastExit, { code: 0, oomKilled: false });
    await new Promise((r) => setTimeout(r, 2500));
    const events = await streamOf(view!.id);
    const exit = events.filter((e) => e.type === 'agent.container_exited').pop()!;
    assert.equal(
      events.some((e) => e.metadata.causationId === exit.event_id),
      false,
      'on-failure does not restart a clean exit',
    );
  });
});
