import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Subjects, type TaskView } from '@sacp/events';
import { requestJson } from '@sacp/bus';
import { TestControlPlane } from '../../support/control-plane';
import { createTask, getTask, simTeam, taskEvents, waitForTask } from '../../support/tasks';

describe('task commands and queries through the orchestrator (real NATS and Postgres; no member running)', () => {
  const cp = new TestControlPlane();
  beforeAll(async () => {
    await cp.start();
    const r = await cp.command('team.create', { definition: simTeam('idle-crew') });
    assert.ok(r.ok, JSON.stringify(r));
  }, 120_000);
  afterAll(() => cp.stop());

  test('a task for a team without members stays queued, and shows in task.list and task.get with who created it', async () => {
    const taskId = await createTask(cp, { title: 'count the stars', team: 'idle-crew', role: 'worker', inputs: { n: 3 }, priority: 'high' });
    const t = await waitForTask(cp, taskId, () => true, 'in the read model');
    assert.equal(t.status, 'queued');
    assert.equal(t.team, 'idle-crew');
    assert.equal(t.role, 'worker');
    assert.deepEqual(t.inputs, { n: 3 });
    assert.equal(t.priority, 'high');
    assert.equal(t.maxAttempts, 3);
    assert.equal(t.createdBy.kind, 'cli');
    assert.deepEqual(t.attempts, []);
    const list = await cp.query<TaskView[]>('task.list', { team: 'idle-crew', status: 'queued' });
    assert.ok(list.ok);
    assert.ok(list.result.some((x) => x.taskId === taskId));
    const other = await cp.query<TaskView[]>('task.list', { status: 'running' });
    assert.ok(other.ok && !other.result.some((x) => x.taskId === taskId));
  });

  test('pages: newest first, nextCursor bound to its filters', async () => {
    for (let i = 0; i < 5; i++) await createTask(cp, { title: `paged ${i}`, team: 'idle-crew' });
    const first = await cp.query<TaskView[]>('task.list', { team: 'idle-crew', pageSize: 2 });
    assert.ok(first.ok && first.nextCursor, JSON.stringify(first));
    assert.equal(first.result.length, 2);
    assert.ok(first.result[0]!.createdAt >= first.result[1]!.createdAt);
    const second = await cp.query<TaskView[]>('task.list', { team: 'idle-crew', pageSize: 2, cursor: first.nextCursor });
    assert.ok(second.ok);
    assert.ok(!second.result.some((x) => first.result.some((y) => y.taskId === x.taskId)));
    const wrong = await cp.query('task.list', { status: 'failed', cursor: first.nextCursor });
    assert.ok(!wrong.ok && wrong.error.code === 'QUERY.CURSOR_INVALID', JSON.stringify(wrong));
  });

  test('cancel: cancelled once; again changes nothing', async () => {
    const taskId = await createTask(cp, { title: 'to be cancelled', team: 'idle-crew' });
    const r = await cp.command<{ changed: boolean; status: string }>('task.cancel', { taskId }, { reason: 'not needed' });
    assert.ok(r.ok && r.result.changed && r.result.status === 'cancelled', JSON.stringify(r));
    const again = await cp.command<{ changed: boolean }>('task.cancel', { taskId });
    assert.ok(again.ok && !again.result.changed, JSON.stringify(again));
    const t = await waitForTask(cp, taskId, (x) => x.status === 'cancelled', 'cancelled');
    assert.equal(t.status, 'cancelled');
    assert.deepEqual(
      (await taskEvents(cp, taskId)).map((e) => e.type),
      ['task.created', 'task.cancelled'],
    );
  });

  test('refusals name the problem: no such team, no such role, both agent and team, sizes over the limits, an unknown task', async () => {
    const code = async (payload: Record<string, unknown>) => {
      const r = await cp.command('task.create', payload);
      assert.ok(!r.ok, JSON.stringify(r));
      return `${r.error.code}: ${r.error.message}`;
    };
    assert.match(await code({ title: 'x', team: 'nobody' }), /^TEAM\.NOT_FOUND/);
    assert.match(await code({ title: 'x', team: 'idle-crew', role: 'pilot' }), /^TEAM\.MEMBERSHIP: team "idle-crew" has no member with role "pilot"/);
    assert.match(await code({ title: 'x', team: 'idle-crew', agent: 'a' }), /exactly one of "agent" and "team"/);
    assert.match(await code({ title: 'x'.repeat(201), team: 'idle-crew' }), /title: a title has at most 200 characters/);
    assert.match(await code({ title: 'x', team: 'idle-crew', inputs: { blob: 'y'.repeat(70_000) } }), /inputs is over 65536 bytes/);
    assert.match(await code({ title: 'x', team: 'idle-crew', maxAttempts: 11 }), /maxAttempts/);
    const cancel = await cp.command('task.cancel', { taskId: randomUUID() });
    assert.ok(!cancel.ok && cancel.error.code === 'TASK.NOT_FOUND', JSON.stringify(cancel));
    assert.equal(await getTask(cp, randomUUID()), null);
  });

  test('no bus sender may claim the agent actor kind: on its own subject nobody may publish, on another it is refused', async () => {
    const envelope = {
      type: 'task.create',
      version: 1,
      commandId: randomUUID(),
      actor: { kind: 'agent', id: randomUUID(), displayName: 'impostor' },
      source: 'test',
      payload: { title: 'x', team: 'idle-crew' },
    };
    const viaCli = await requestJson<{ ok: boolean; error?: { code: string } }>(cp.nc, Subjects.command('task.create', 'cli'), envelope, 10_000);
    assert.equal(viaCli.error?.code, 'ACCESS.DENIED');
    await assert.rejects(requestJson(cp.nc, Subjects.command('task.create', 'agent'), envelope, 5_000), /Permissions Violation|permission/i);
    const subtaskId = await cp.command('task.create', { title: 'x', team: 'idle-crew' }, { commandId: `subtask:${randomUUID()}` });
    assert.ok(!subtaskId.ok && subtaskId.error.code === 'COMMAND.ID_RESERVED', JSON.stringify(subtaskId));
  });

  test('the tasks read model rebuilt from the events is the live one', async () => {
    const before = (await cp.pool.query('select * from tasks order by task_id')).rows;
    const r = await cp.command('system.replay', {});
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual((await cp.pool.query('select * from tasks order by task_id')).rows, before);
  });
});
