import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestApi } from '../../support/api';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';
import { simTeam } from '../../support/tasks';

describe('tasks over HTTP: create, list, show, cancel (real api, orchestrator, sim agents)', () => {
  const cp = new TestControlPlane();
  const api = new TestApi(cp);
  let operator = '';
  let viewer = '';
  beforeAll(async () => {
    await cp.start();
    await api.start();
    operator = (await api.createToken('task-ops', 'operator')).token;
    viewer = (await api.createToken('task-watcher', 'viewer')).token;
    const created = await cp.command('team.create', {
      definition: simTeam('duo', [
        { name: 'x', role: 'worker' },
        { name: 'y', role: 'worker' },
      ]),
    });
    assert.ok(created.ok, JSON.stringify(created));
    assert.ok((await cp.command('team.deploy', { team: 'duo' })).ok);
    await waitFor(
      'both members running',
      async () => {
        const v = (await cp.status()).filter((a) => a.team === 'duo');
        return v.length === 2 && v.every((a) => a.state.observed === 'running');
      },
      60_000,
    );
  }, 180_000);
  afterAll(async () => {
    await api.stop();
    await cp.stop();
  });

  const get = (taskId: string) => api.request('GET', `/api/v1/tasks/${taskId}`, { token: viewer });
  const until = (taskId: string, status: string) =>
    waitFor(
      `task ${taskId} ${status}`,
      async () => {
        const r = await get(taskId);
        return r.status === 200 && r.body.status === status ? r.body : null;
      },
      30_000,
    );

  test('an operator creates a task for the team (202, taskId, link); a viewer follows it to its result and its attempts', async () => {
    const body = {
      title: 'add two numbers',
      instructions: 'and say the sum',
      inputs: { a: 1, b: 2, sim: { workMs: 300 } },
      team: 'duo',
      role: 'worker',
      priority: 'high',
      timeoutSeconds: 60,
      maxAttempts: 2,
    };
    const r = await api.request('POST', '/api/v1/tasks', { token: operator, body, headers: { 'idempotency-key': 'sum-1' } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const taskId = r.body.taskId as string;
    assert.match(taskId, /^[0-9a-f-]{36}$/);
    assert.equal(r.body.links.task, `/api/v1/tasks/${taskId}`);
    assert.ok(r.body.events.some((e: { type: string }) => e.type === 'task.created'));
    const retry = await api.request('POST', '/api/v1/tasks', { token: operator, body, headers: { 'idempotency-key': 'sum-1' } });
    assert.equal(retry.status, 202);
    assert.equal(retry.body.duplicate, true);
    assert.equal(retry.body.taskId, taskId, 'the same key is the same task');
    const done = await until(taskId, 'succeeded');
    assert.equal(done.team, 'duo');
    assert.equal(done.role, 'worker');
    assert.equal(done.timeoutMs, 60_000);
    assert.equal(done.maxAttempts, 2);
    assert.equal(done.createdBy.kind, 'api');
    assert.ok(done.agent.name.startsWith('duo-'));
    assert.equal(done.attempts.length, 1);
    assert.equal(done.attempts[0].outcome, 'succeeded');
    assert.equal(done.result.agent, done.agent.name);
    const list = await api.request('GET', '/api/v1/tasks?team=duo&status=succeeded&limit=10', { token: viewer });
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((t: { taskId: string }) => t.taskId === taskId));
    assert.equal(list.body.nextCursor, null);
    const byAgent = await api.request('GET', `/api/v1/tasks?agent=${done.agent.name}`, { token: viewer });
    assert.ok(byAgent.body.items.some((t: { taskId: string }) => t.taskId === taskId));
  });

  test('cancel a running task (202); a viewer may not create or cancel', async () => {
    const r = await api.request('POST', '/api/v1/tasks', { token: operator, body: { title: 'forever', team: 'duo', inputs: { sim: { outcome: 'hang' } } } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const taskId = r.body.taskId as string;
    await until(taskId, 'running');
    assert.equal((await api.request('POST', `/api/v1/tasks/${taskId}/cancel`, { token: viewer, body: {} })).status, 403);
    assert.equal((await api.request('POST', '/api/v1/tasks', { token: viewer, body: { title: 'x', team: 'duo' } })).status, 403);
    const c = await api.request('POST', `/api/v1/tasks/${taskId}/cancel`, { token: operator, body: { reason: 'enough' } });
    assert.equal(c.status, 202, JSON.stringify(c.body));
    assert.equal(c.body.result.status, 'cancelled');
    const t = await until(taskId, 'cancelled');
    assert.equal(t.attempts[0].outcome, 'cancelled');
  });

  test('errors name the problem: bad bodies 400, unknown task 404, unknown team 404', async () => {
    const both = await api.request('POST', '/api/v1/tasks', { token: operator, body: { title: 'x', team: 'duo', agent: 'duo-x' } });
    assert.equal(both.status, 400);
    assert.match(both.body.message, /exactly one of "agent" and "team"/);
    const big = await api.request('POST', '/api/v1/tasks', { token: operator, body: { title: 'x'.repeat(201), team: 'duo' } });
    assert.equal(big.status, 400);
    const noTeam = await api.request('POST', '/api/v1/tasks', { token: operator, body: { title: 'x', team: 'nobody' } });
    assert.equal(noTeam.status, 404);
    assert.equal(noTeam.body.code, 'TEAM.NOT_FOUND');
    const missing = await get('00000000-0000-4000-8000-000000000000');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'TASK.NOT_FOUND');
    const notId = await get('not-a-task');
    assert.equal(notId.status, 400);
  });
});
