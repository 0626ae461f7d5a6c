import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { TaskDetailView, TeamView } from '@sacp/events';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';
import { createTask, simTeam, taskEvents, waitForTask } from '../../support/tasks';

const finished = (t: TaskDetailView) => ['succeeded', 'failed', 'cancelled'].includes(t.status);
const count = (events: { type: string }[], type: string) => events.filter((e) => e.type === type).length;

describe('tasks done by real sim agents over agent protocol v1 (real orchestrator, monitor, NATS, Postgres, Docker)', () => {
  const cp = new TestControlPlane({
    monitors: 1,
    env: { SACP_TASK_ACCEPT_TIMEOUT_MS: '15000', MONITOR_SAMPLE_INTERVAL_MS: '1000', MONITOR_IDLE_CPU_WINDOW_MS: '2000' },
  });
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await cp.start();
    for (const [team, members] of [
      ['crew', undefined],
      ['other', [{ name: 'w1', role: 'worker' }]],
    ] as const) {
      const created = await cp.command('team.create', { definition: simTeam(team, members ? [...members] : undefined) }).catch((err: unknown) => {
        throw new Error(
          `${String(err)}\n${cp.orchestrators[0]?.logs
            .split('\n')
            .filter((l) => /credential|reload|Permission|team.create|NATS|nats/.test(l))
            .join('\n')
            .slice(-6000)}`,
        );
      });
      assert.ok(created.ok, JSON.stringify(created));
      const deployed = await cp.command('team.deploy', { team });
      assert.ok(deployed.ok, JSON.stringify(deployed));
    }
    const teams = await waitFor(
      'both teams running',
      async () => {
        const views = (await cp.status()).filter((v) => v.team === 'crew' || v.team === 'other');
        return views.length === 4 && views.every((v) => v.state.observed === 'running') ? views : null;
      },
      60_000,
    );
    for (const v of teams) ids[v.name] = v.id;
  }, 180_000);
  afterAll(() => cp.stop());

  test('a task for a team is done by exactly one member, exactly once', async () => {
    const taskId = await createTask(cp, { title: 'one of you', team: 'crew', role: 'worker', inputs: { sim: { workMs: 500, progressSteps: 2 } } });
    const t = await waitForTask(cp, taskId, finished, 'finished', 60_000);
    assert.equal(t.status, 'succeeded', JSON.stringify(t));
    assert.equal(t.attempts.length, 1);
    assert.ok(['crew-w1', 'crew-w2'].includes(t.agent!.name), 'a worker of the crew did it');
    assert.equal(t.result?.agent, t.agent!.name, 'the result comes from the agent it was assigned to');
    const events = await taskEvents(cp, taskId);
    assert.deepEqual([count(events, 'task.assigned'), count(events, 'task.accepted'), count(events, 'task.succeeded')], [1, 1, 1]);
    assert.ok(count(events, 'task.progressed') >= 1, 'progress was reported');
    const assigned = events.find((e) => e.type === 'task.assigned')!;
    assert.match(String(assigned.data.policy), /^idle member with role worker/);
    assert.deepEqual(events.find((e) => e.type === 'task.succeeded')!.actor.kind, 'agent');
  });

  test('the member is killed mid-task: the retry goes to a live member, and the task is done once', async () => {
    const taskId = await createTask(cp, { title: 'survive a kill', team: 'crew', role: 'worker', inputs: { sim: { workMs: 6000, progressSteps: 3 } } });
    const running = await waitForTask(cp, taskId, (t) => t.status === 'running', 'running', 30_000);
    const victim = running.agent!;
    const [view] = await cp.status(victim.agentId);
    execFileSync('docker', ['kill', view!.containerId!]);
    const t = await waitForTask(cp, taskId, finished, 'finished after the kill', 60_000);
    assert.equal(t.status, 'succeeded', JSON.stringify(t));
    assert.equal(t.attempts.length, 2);
    assert.equal(t.attempts[0]!.outcome, 'agent_died');
    assert.match(t.attempts[0]!.reason ?? '', new RegExp(`agent ${victim.name} exited`));
    assert.notEqual(t.attempts[1]!.agent.agentId, victim.agentId, 'the retry went to another member');
    const events = await taskEvents(cp, taskId);
    assert.deepEqual([count(events, 'task.requeued'), count(events, 'task.succeeded')], [1, 1]);
    // the killed member back for the next tests
    const started = await cp.command('agent.start', { agent: victim.agentId });
    assert.ok(started.ok, JSON.stringify(started));
    await cp.waitForAgent(victim.agentId, (a) => a.state.observed === 'running', 'running again');
  });

  test('the orchestrator restarts mid-task: the result reported meanwhile is recorded once, by the new leader', async () => {
    const taskId = await createTask(cp, { title: 'outlive the orchestrator', team: 'crew', role: 'worker', inputs: { sim: { workMs: 4000, progressSteps: 1 } } });
    await waitForTask(cp, taskId, (t) => t.status === 'running', 'running', 30_000);
    const old = cp.orchestrators[0]!;
    await old.kill('SIGKILL');
    cp.orchestrators.splice(0, 1);
    await new Promise((r) => setTimeout(r, 3000));
    await cp.addOrchestrator();
    const t = await waitForTask(cp, taskId, finished, 'finished after the restart', 60_000);
    assert.equal(t.status, 'succeeded', JSON.stringify(t));
    assert.equal(t.attempts.length, 1);
    const events = await taskEvents(cp, taskId);
    assert.deepEqual([count(events, 'task.assigned'), count(events, 'task.accepted'), count(events, 'task.succeeded')], [1, 1, 1]);
  });

  test('a task that times out is retried, then failed with the reason', async () => {
    const taskId = await createTask(cp, { title: 'never ends', team: 'crew', role: 'worker', timeoutMs: 2000, maxAttempts: 2, inputs: { sim: { outcome: 'hang' } } });
    const t = await waitForTask(cp, taskId, finished, 'failed', 60_000);
    assert.equal(t.status, 'failed');
    assert.deepEqual(
      t.attempts.map((a) => a.outcome),
      ['timed_out', 'timed_out'],
    );
    assert.match(t.failureReason ?? '', /^attempt 2 of 2: no result from crew-w\d within 2 s \(timeout\)$/);
  });

  test("a manager's subtasks reach its own team's members, and one for another team is refused", async () => {
    const subtasks = [
      { member: 'crew-w1', title: 'sub for w1' },
      { role: 'worker', title: 'sub for a worker' },
      { member: 'other-w1', title: 'sub for another team' },
    ];
    const taskId = await createTask(cp, { title: 'manage', agent: 'crew-boss', inputs: { sim: { workMs: 200, progressSteps: 0, subtasks } } });
    const t = await waitForTask(cp, taskId, finished, 'finished', 60_000);
    assert.equal(t.status, 'succeeded', JSON.stringify(t));
    const created = t.result?.subtasks as string[];
    assert.equal(created.length, 2, 'two subtasks created, the third refused');
    for (const id of created) {
      const sub = await waitForTask(cp, id, finished, 'subtask finished', 60_000);
      assert.equal(sub.status, 'succeeded');
      assert.equal(sub.parentTaskId, taskId);
      assert.deepEqual([sub.createdBy.kind, sub.createdBy.id], ['agent', ids['crew-boss']]);
      assert.ok(sub.agent!.name.startsWith('crew-'), `${sub.title} went to ${sub.agent!.name}`);
    }
    const all = await cp.pool.query<{ n: string }>(`select count(*) as n from tasks where title = 'sub for another team'`);
    assert.equal(Number(all.rows[0]!.n), 0);
    const [boss] = await cp.status(ids['crew-boss']);
    const logs = (await cp.docker.logsTail(boss!.containerId!, 200)).map((l) => l.line).join('\n');
    assert.match(logs, /TASK\.NOT_SAME_TEAM/);
  });

  test('a task for an idle-stopped agent starts it, and it does the task (not idle-stopped while it holds it)', async () => {
    const sleepy = await cp.deploy('sleepy', 'sleepy-1');
    await cp.waitForAgent(sleepy, (a) => a.state.desired === 'stopped' && a.state.observed === 'stopped', 'idle-stopped', 40_000);
    // quiet work (no progress, no log line) for longer than its 5 s idle timeout: holding a task, it is not idle-stopped
    const taskId = await createTask(cp, { title: 'wake up', agent: 'sleepy-1', inputs: { sim: { workMs: 15000, progressSteps: 0 } } });
    const t = await waitForTask(cp, taskId, finished, 'finished', 60_000);
    assert.equal(t.status, 'succeeded', JSON.stringify(t));
    const { rows: stops } = await cp.pool.query<{ n: string }>(`select count(*) as n from events where stream_id = $1 and type = 'agent.stop_requested' and recorded_at > $2`, [
      `agent-${sleepy}`,
      t.attempts[0]!.startedAt,
    ]);
    assert.equal(Number(stops[0]!.n), 0, 'not idle-stopped while it held the task');
    const events = await taskEvents(cp, taskId);
    const assigned = events.find((e) => e.type === 'task.assigned')!;
    assert.equal(assigned.data.startsAgent, true);
    const { rows } = await cp.pool.query<{ metadata: { actor: { kind: string }; causationId: string; commandId: string } }>(
      `select metadata from events where stream_id = $1 and type = 'agent.start_requested' order by stream_position desc limit 1`,
      [`agent-${sleepy}`],
    );
    assert.equal(rows[0]!.metadata.actor.kind, 'system');
    assert.match(rows[0]!.metadata.commandId, new RegExp(`^task-start:${taskId}:1$`));
    const { rows: cause } = await cp.pool.query<{ type: string }>('select type from events where event_id = $1', [rows[0]!.metadata.causationId]);
    assert.equal(cause[0]!.type, 'task.assigned');
  });

  test('the team activity feed shows its tasks', async () => {
    const r = await cp.query<{ type: string; taskId?: string }[]>('team.activity', { team: 'crew', pageSize: 200 });
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok(r.result.some((e) => e.type === 'task.succeeded' && e.taskId));
    const team = await cp.query<TeamView>('team.get', { team: 'crew' });
    assert.ok(team.ok);
  });
});
