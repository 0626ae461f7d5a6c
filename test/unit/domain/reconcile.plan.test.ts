import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { planReconcile, type ObservedContainer, containerName } from '@sacp/domain';
import { deployed, event, given, runningAgent } from '../../factories/agent-events';

const c = (id: string, name: string, running: boolean, exitCode: number | null = null): ObservedContainer => ({ id, name, running, exitCode, oomKilled: false, finishedAt: null });
const NOW = '2026-11-26T12:00:00.000Z';
const kinds = (a: ReturnType<typeof planReconcile>) => a.map((x) => x.kind);

describe('reconcile plan', () => {
  const fresh = given(deployed());
  const expected = containerName(fresh);

  test('a deployed agent without a container gets one created', () => {
    assert.deepEqual(kinds(planReconcile(fresh, [], NOW)), ['create']);
  });

  test('after a crash between create and record, the named container is recorded, not created again', () => {
    assert.deepEqual(planReconcile(fresh, [c('x1', expected, false)], NOW), [
      { kind: 'record-created', containerId: 'x1', containerName: expected },
      { kind: 'start', containerId: 'x1' },
    ]);
  });

  test('a created container that is not running is started', () => {
    const created = given(deployed(), event('agent.container_created', { containerId: 'x1', containerName: expected, generation: 1 }));
    assert.deepEqual(planReconcile(created, [c('x1', expected, false)], NOW), [{ kind: 'start', containerId: 'x1' }]);
  });

  test('a converged agent needs nothing', () => {
    const s = runningAgent('x1');
    assert.deepEqual(planReconcile(s, [c('x1', s.containerName!, true)], NOW), []);
  });

  test('duplicates and stale containers are removed, the recorded one kept', () => {
    const s = runningAgent('x1');
    const plan = planReconcile(s, [c('x1', s.containerName!, true), c('x2', 'other-name', true)], NOW);
    assert.deepEqual(plan, [{ kind: 'remove', containerId: 'x2', why: 'stale' }]);
  });

  test('a container that exits on its own is recorded as exited and not restarted by the orchestrator', () => {
    const s = runningAgent('x1');
    const plan = planReconcile(s, [c('x1', s.containerName!, false, 1)], NOW);
    assert.deepEqual(kinds(plan), ['record-exited']);
    const after = given(
      deployed(),
      event('agent.container_created', { containerId: 'x1', containerName: s.containerName!, generation: 1 }),
      event('agent.container_started', { containerId: 'x1' }),
      event('agent.container_exited', { containerId: 'x1', exitCode: 1, oomKilled: false, finishedAt: null }),
    );
    assert.deepEqual(planReconcile(after, [c('x1', s.containerName!, false, 1)], NOW), []);
  });

  test('a container removed from outside is recorded as vanished', () => {
    assert.deepEqual(planReconcile(runningAgent('x1'), [], NOW), [{ kind: 'record-vanished', containerId: 'x1' }]);
  });

  test('stop requested on a running container stops it; restart requested restarts it', () => {
    const s = runningAgent('x1');
    const stopping = given(
      deployed(),
      event('agent.container_created', { containerId: 'x1', containerName: s.containerName!, generation: 1 }),
      event('agent.container_started', { containerId: 'x1' }),
      event('agent.stop_requested'),
    );
    assert.deepEqual(planReconcile(stopping, [c('x1', s.containerName!, true)], NOW), [{ kind: 'stop', containerId: 'x1' }]);
    const restarting = given(
      deployed(),
      event('agent.container_created', { containerId: 'x1', containerName: s.containerName!, generation: 1 }),
      event('agent.container_started', { containerId: 'x1' }),
      event('agent.restart_requested', { restartSeq: 1 }),
    );
    assert.deepEqual(planReconcile(restarting, [c('x1', s.containerName!, true)], NOW), [{ kind: 'restart', containerId: 'x1', restartSeq: 1 }]);
  });

  test('removal removes every container, then finishes', () => {
    const s = given(deployed(), event('agent.container_created', { containerId: 'x1', containerName: expected, generation: 1 }), event('agent.remove_requested'));
    assert.deepEqual(kinds(planReconcile(s, [c('x1', expected, true), c('x2', expected, false)], NOW)), ['remove', 'remove', 'finish-removal']);
    assert.deepEqual(kinds(planReconcile(s, [], NOW)), ['finish-removal']);
  });
});
