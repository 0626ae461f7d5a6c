import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

interface Row {
  event_id: string;
  type: string;
  data: Record<string, unknown> & { cause?: { eventId: string; kind: string }; attempt?: number; delayMs?: number; exitCode?: number; oomKilled?: boolean };
  metadata: { causationId: string | null; actor: { kind: string; id: string }; source: string };
  recorded_at: Date;
}

describe('auto-recovery with back-off (real monitor, orchestrator and sim agents)', () => {
  const cp = new TestControlPlane({ monitors: 1 });
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => cp.stop());

  const streamOf = async (agentId: string) =>
    (await cp.pool.query<Row>('select event_id, type, data, metadata, recorded_at from events where stream_id = $1 order by stream_position', [`agent-${agentId}`])).rows;

  test('an agent exiting with code 1 is restarted with growing delays, then given up on with an alert; each step caused by the one before', async () => {
    const agentId = await cp.deploy('crashy', 'crashy-1');
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
      scheduled.map((e) => [e.data.attempt, e.data.delayMs]),
      [
        [1, 400],
        [2, 800],
        [3, 1600],
      ],
      'exponential back-off',
    );
    for (const s of scheduled) {
      const exit = events.find((e) => e.event_id === s.metadata.causationId)!;
      assert.equal(exit.type, 'agent.container_exited', 'a restart is caused by the exit it answers');
      assert.equal(exit.data.exitCode, 1);
      assert.deepEqual([s.data.cause!.eventId, s.data.cause!.kind], [exit.event_id, 'crashed']);
      assert.deepEqual([s.metadata.actor.kind, s.metadata.actor.id, s.metadata.source], ['system', 'monitor', 'monitor:recovery']);
      const restarted = events.find((e) => e.type === 'agent.container_restarted' && e.metadata.causationId === s.event_id);
      assert.ok(restarted, 'the orchestrator restarted it, caused by the schedule');
      const waited = restarted.recorded_at.getTime() - s.recorded_at.getTime();
      assert.ok(waited >= (s.data.delayMs as number) - 50, `the restart waited its delay (${waited} ms for ${s.data.delayMs} ms)`);
    }
    const exits = events.filter((e) => e.type === 'agent.container_exited');
    assert.equal(exits.length, 4, 'the first run and three restarts each ended in a crash');
    const abandoned = events.find((e) => e.type === 'agent.recovery_abandoned')!;
    assert.equal(abandoned.metadata.causationId, exits[3]!.event_id);
    assert.equal(events.filter((e) => e.type === 'agent.container_restarted').length, 3, 'no restart after giving up');

    const alert = await waitFor('the alert', async () => {
      const { rows } = await cp.pool.query<Row>("select event_id, type, data, metadata from events where type = 'alert.raised' and data->>'agentId' = $1", [agentId]);
      return rows[0];
    });
    assert.equal(alert.data.severity, 'critical');
    assert.equal(alert.metadata.causationId, exits[3]!.event_id);
    assert.match(String(alert.data.message), /crashy-1 failed 4 times .*automatic restarts stopped/);
    assert.ok(
      (alert.data.lastLogLines as string[]).some((l) => l.includes('heartbeat') || l.includes('exit')),
      'the alert carries the last log lines',
    );

    const [view] = await cp.status('crashy-1');
    assert.equal(view!.recoveryAbandoned, true);
    assert.deepEqual(view!.lastExit, { code: 1, oomKilled: false });
    assert.equal(view!.lastAlert?.state, 'open');
  });

  test('an operator start clears the abandonment and resolves the alert', async () => {
    const [before] = await cp.status('crashy-1');
    const r = await cp.command('agent.start', { agent: 'crashy-1' });
    assert.ok(r.ok, JSON.stringify(r));
    await waitFor('the alert to be resolved', async () => {
      const { rows } = await cp.pool.query("select 1 from events where type = 'alert.resolved' and data->>'agentId' = $1", [before!.id]);
      return rows.length > 0;
    });
    await cp.command('agent.stop', { agent: 'crashy-1' });
  });

  test('an agent over its memory limit is recorded as OOM-killed, not as a crash', async () => {
    const agentId = await cp.deploy('hungry', 'hungry-1');
    const events = await waitFor(
      'the OOM kill and its answer',
      async () => {
        const rows = await streamOf(agentId);
        return rows.some((r) => r.type === 'agent.restart_scheduled') ? rows : null;
      },
      30_000,
      200,
    );
    const exit = events.find((e) => e.type === 'agent.container_exited')!;
    assert.equal(exit.data.oomKilled, true);
    assert.equal(exit.data.exitCode, 137);
    const scheduled = events.find((e) => e.type === 'agent.restart_scheduled')!;
    assert.equal(scheduled.data.cause!.kind, 'oom_killed');
    assert.match(String((scheduled.data.cause as unknown as { detail: string }).detail), /exceeding its memory limit/);
    await cp.command('agent.stop', { agent: 'hungry-1' });
  });
});
