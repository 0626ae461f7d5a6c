import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { backoffDelay, classifyExit, decideRecovery, type RestartPolicy, decideAgent, evolveAgent, planReconcile } from '@sacp/domain';
import { deployed, event, given, runningAgent } from '../../factories/agent-events';

const policy: RestartPolicy = {
  mode: 'on-failure',
  maxAttempts: 3,
  windowSeconds: 60,
  resetAfterSeconds: 30,
  backoff: { initialMs: 1000, maxMs: 5000, multiplier: 2, jitter: 0 },
};
const T0 = Date.parse('2026-11-26T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const crash = (id: string) => ({ eventId: id, kind: 'crashed' as const, detail: 'exit 1' });

/** An agent whose policy scheduled restarts at the given seconds after T0. */
function withRestarts(...seconds: number[]) {
  let s = runningAgent('c1');
  seconds.forEach((sec, i) => {
    s = evolveAgent(s, {
      type: 'agent.restart_scheduled',
      data: { agentId: s.agentId, restartSeq: i + 1, attempt: i + 1, delayMs: 0, dueAt: at(sec), cause: crash(`e${i}`) },
      metadata: { occurredAt: at(sec) },
    } as never);
  });
  return s;
}

describe('recovery policy (controlled clock)', () => {
  test('exit codes and OOM kills are told apart', () => {
    assert.equal(classifyExit(1, false).kind, 'crashed');
    assert.equal(classifyExit(137, true).kind, 'oom_killed');
    assert.equal(classifyExit(0, false).kind, 'exited');
  });

  test('delays grow exponentially up to the cap, with jitter inside its band', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, 0.5)),
      [1000, 2000, 4000, 5000, 5000],
    );
    const jittery = { ...policy, backoff: { ...policy.backoff, jitter: 0.2 } };
    assert.equal(backoffDelay(jittery, 2, 0), 1600);
    assert.equal(backoffDelay(jittery, 2, 1), 2400);
    assert.ok(backoffDelay(jittery, 10, 1) <= 5000, 'jitter never exceeds the cap');
  });

  test('attempts count restarts within the window; at the limit the policy gives up', () => {
    assert.deepEqual(decideRecovery(withRestarts(), policy, crash('x'), at(0), null, 0.5), { action: 'restart', attempt: 1, delayMs: 1000, why: 'attempt 1 of 3 after exit 1' });
    assert.equal((decideRecovery(withRestarts(1, 3), policy, crash('x'), at(5), null, 0.5) as { attempt: number }).attempt, 3);
    const d = decideRecovery(withRestarts(1, 3, 7), policy, crash('x'), at(10), null, 0.5);
    assert.equal(d.action, 'abandon');
  });

  test('restarts older than the window no longer count', () => {
    const partly = decideRecovery(withRestarts(1, 3, 7), policy, crash('x'), at(62), null, 0.5);
    assert.deepEqual([partly.action, (partly as { attempt: number }).attempt], ['restart', 3], 'the restart at 1 s left the window');
    const all = decideRecovery(withRestarts(1, 3, 7), policy, crash('x'), at(70), null, 0.5);
    assert.deepEqual([all.action, (all as { attempt: number }).attempt], ['restart', 1]);
  });

  test('a healthy run of resetAfterSeconds before the failure starts the count again', () => {
    const d = decideRecovery(withRestarts(1, 3, 7), policy, crash('x'), at(45), at(10), 0.5);
    assert.deepEqual([d.action, (d as { attempt: number }).attempt], ['restart', 1]);
  });

  test('no restart for an operator-stopped agent, an abandoned one, "never", or exit 0 under on-failure', () => {
    assert.equal(decideRecovery(given(deployed(), event('agent.stop_requested')), policy, crash('x'), at(0), null, 0.5).action, 'none');
    const abandoned = evolveAgent(runningAgent(), {
      type: 'agent.recovery_abandoned',
      data: { agentId: 'a', attempts: 3, windowSeconds: 60, cause: crash('y') },
      metadata: { occurredAt: at(0) },
    } as never);
    assert.equal(decideRecovery(abandoned, policy, crash('x'), at(1), null, 0.5).action, 'none');
    assert.equal(decideRecovery(runningAgent(), { ...policy, mode: 'never' }, crash('x'), at(0), null, 0.5).action, 'none');
    assert.equal(decideRecovery(runningAgent(), policy, { eventId: 'x', kind: 'exited', detail: 'exit 0' }, at(0), null, 0.5).action, 'none');
    assert.equal(decideRecovery(runningAgent(), { ...policy, mode: 'always' }, { eventId: 'x', kind: 'exited', detail: 'exit 0' }, at(0), null, 0.5).action, 'restart');
  });

  test('the same failure reported twice is scheduled once', () => {
    const s = runningAgent();
    const first = decideAgent({ type: 'schedule_restart', attempt: 1, delayMs: 1000, cause: crash('e1'), now: at(0) }, s);
    assert.equal(first.appends.length, 1);
    assert.equal(first.appends[0]!.events[0]!.type, 'agent.restart_scheduled');
    assert.equal((first.appends[0]!.events[0]!.data as { dueAt: string }).dueAt, at(1));
    const after = evolveAgent(s, { ...first.appends[0]!.events[0]!, metadata: { occurredAt: at(0) } });
    assert.deepEqual(decideAgent({ type: 'schedule_restart', attempt: 1, delayMs: 1000, cause: crash('e1'), now: at(0) }, after).appends, []);
    assert.deepEqual(
      decideAgent({ type: 'schedule_restart', attempt: 2, delayMs: 1000, cause: { eventId: 'e2', kind: 'vanished', detail: 'gone' }, now: at(0) }, after).appends,
      [],
      'one incident seen twice (killed, then gone) gets one restart',
    );
  });

  test('a scheduled restart waits for its time; an operator restart is due at once', () => {
    const s = withRestarts(0);
    const scheduled = evolveAgent(runningAgent('c1'), {
      type: 'agent.restart_scheduled',
      data: { agentId: s.agentId, restartSeq: 1, attempt: 1, delayMs: 8000, dueAt: at(8), cause: crash('e1') },
      metadata: { occurredAt: at(0) },
    } as never);
    const containers = [{ id: 'c1', name: scheduled.containerName!, running: false, exitCode: 1, oomKilled: false, finishedAt: at(0) }];
    assert.equal(
      planReconcile(scheduled, containers, at(7)).some((a) => a.kind === 'restart' || a.kind === 'start'),
      false,
    );
    assert.deepEqual(
      planReconcile(scheduled, containers, at(8)).map((a) => a.kind),
      ['restart'],
    );
    const operator = evolveAgent(scheduled, { type: 'agent.restart_requested', data: { agentId: s.agentId, restartSeq: 2 }, metadata: { occurredAt: at(1) } } as never);
    assert.deepEqual(
      planReconcile(operator, containers, at(1)).map((a) => a.kind),
      ['restart'],
    );
  });

  test('a health report for an older container, or without change, records nothing', () => {
    const s = runningAgent('c1');
    assert.equal(decideAgent({ type: 'report_health', containerId: 'old', status: 'unhealthy', probe: 'http', output: '' }, s).appends.length, 0);
    const changed = decideAgent({ type: 'report_health', containerId: 'c1', status: 'unhealthy', probe: 'http', output: '503' }, s);
    assert.equal(changed.appends[0]!.events[0]!.type, 'agent.health_changed');
    const unhealthy = evolveAgent(s, { ...changed.appends[0]!.events[0]!, metadata: { occurredAt: at(0) } });
    assert.equal(decideAgent({ type: 'report_health', containerId: 'c1', status: 'unhealthy', probe: 'http', output: '503' }, unhealthy).appends.length, 0);
  });
});
