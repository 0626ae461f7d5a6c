import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

interface Row {
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: { causationId: string | null; actor: { kind: string; id: string }; source: string; commandId: string; reason?: string };
  reason: string | null;
}

describe('idle auto-stop (real monitor, orchestrator and sim agents)', () => {
  const cp = new TestControlPlane({ monitors: 1, env: { MONITOR_SAMPLE_INTERVAL_MS: '1000', MONITOR_IDLE_CPU_WINDOW_MS: '2000' } });
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => cp.stop());

  const streamOf = async (agentId: string) =>
    (
      await cp.pool.query<Row>("select event_id, type, data, metadata, metadata->>'reason' as reason from events where stream_id = $1 order by stream_position", [
        `agent-${agentId}`,
      ])
    ).rows;

  test('an idle agent is stopped after its timeout with the reason recorded; a heartbeating one and a CPU-busy one with the same timeout are not', async () => {
    const sleepy = await cp.deploy('sleepy', 'sleepy-1');
    const chatty = await cp.deploy('chatty', 'chatty-1');
    const cruncher = await cp.deploy('cruncher', 'cruncher-1');
    const started = Date.now();
    const running = await cp.waitForAgent(sleepy, (a) => a.state.observed === 'running', 'running');

    const stopped = await cp.waitForAgent(sleepy, (a) => a.state.observed === 'stopped', 'stopped for being idle', 30_000);
    const took = Date.now() - started;
    assert.ok(took >= 5000, `not before its 5 s timeout (${took} ms)`);
    assert.equal(stopped.state.desired, 'stopped');
    const info = await cp.docker.inspect(running.containerId!);
    assert.equal(info?.running, false, 'its container is stopped');

    const events = await streamOf(sleepy);
    const stop = events.find((e) => e.type === 'agent.stop_requested')!;
    assert.ok(stop, 'a stop was requested');
    assert.deepEqual([stop.metadata.actor.kind, stop.metadata.actor.id, stop.metadata.source], ['system', 'monitor', 'monitor:idle']);
    assert.match(stop.reason ?? '', /^idle for \d+ s \(timeout 5 s\): CPU below 2% of a core, no network traffic, no log output$/);
    assert.match(stop.metadata.commandId, new RegExp(`^idle:${running.containerId}:`));
    const start = events.find((e) => e.event_id === stop.metadata.causationId);
    assert.equal(start?.type, 'agent.container_started', 'caused by the start of the run that stayed idle');

    // the others ran well past the same timeout and still run
    for (const id of [chatty, cruncher]) {
      const [view] = await cp.status(id);
      assert.deepEqual([view!.name, view!.state.desired, view!.state.observed], [view!.name, 'running', 'running']);
      assert.ok(!(await streamOf(id)).some((e) => e.type === 'agent.stop_requested'), `${view!.name} was not stopped`);
    }
  });

  test('a stopped idle agent starts again on command, and its idle clock starts afresh', async () => {
    const startedAt = Date.now();
    const r = await cp.command('agent.start', { agent: 'sleepy-1' });
    assert.ok(r.ok, JSON.stringify(r));
    const [view] = await cp.status('sleepy-1');
    await cp.waitForAgent(view!.id, (a) => a.state.observed === 'running', 'running again');
    await waitFor(
      'the second idle stop',
      async () => {
        const stops = (await streamOf(view!.id)).filter((e) => e.type === 'agent.stop_requested');
        return stops.length === 2 ? stops : null;
      },
      30_000,
      200,
    );
    assert.ok(Date.now() - startedAt >= 5000, 'the new run had its own full timeout');
    for (const name of ['chatty-1', 'cruncher-1']) await cp.command('agent.stop', { agent: name });
  });
});
