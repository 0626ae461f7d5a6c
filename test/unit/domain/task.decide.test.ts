import { describe, expect, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { decideTask, evolveTask, initialTaskState, taskDueAt, type TaskCommand, type TaskState } from '@sacp/domain';
import { ErrorCodes, type TaskCreatedDataV1 } from '@sacp/events';

const TASK = '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b20';
const A = 'agent-a-id';
const B = 'agent-b-id';
const T0 = '2026-11-30T10:00:00.000Z';
const plus = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

const created = (over: Partial<TaskCreatedDataV1> = {}): TaskCreatedDataV1 => ({
  taskId: TASK,
  title: 'Review PR 42',
  instructions: 'read it',
  inputs: { pr: 42 },
  priority: 'normal',
  deadline: null,
  timeoutMs: 60_000,
  maxAttempts: 2,
  target: { kind: 'team', team: 'coding', role: null },
  parentTaskId: null,
  createdBy: { kind: 'cli', id: 'ops', displayName: 'ops' },
  ...over,
});

/** Applies commands one after the other (each decided on the state the previous ones left), at time `now` for the fold. */
function run(commands: TaskCommand[], state = initialTaskState(TASK)): { state: TaskState; types: string[][] } {
  const types: string[][] = [];
  for (const c of commands) {
    const d = decideTask(c, state);
    const events = d.appends.flatMap((a) => a.events);
    types.push(events.map((e) => e.type));
    state = events.reduce((s, e) => evolveTask(s, { ...e, metadata: { occurredAt: 'now' in c ? c.now : T0 } }), state);
  }
  return { state, types };
}

const assign = (agentId = A, now = T0): TaskCommand => ({
  type: 'assign',
  agentId,
  agent: agentId.replace('-id', ''),
  policy: 'idle member',
  startsAgent: false,
  now,
  acceptTimeoutMs: 5000,
});
const accept = (agentId = A, attempt = 1, now = T0): TaskCommand => ({ type: 'accept', agentId, attempt, now, agentRunningSince: 'run-1' });

describe('task decider', () => {
  test('create → queued; assign → assigned with an accept due time; accept → running with a run due time; succeed → succeeded', () => {
    const { state, types } = run([
      { type: 'create', data: created() },
      assign(),
      accept(A, 1, plus(1000)),
      { type: 'succeed', agentId: A, attempt: 1, result: { ok: 1 }, reportId: 'r1', now: plus(2000) },
    ]);
    assert.deepEqual(types, [['task.created'], ['task.assigned'], ['task.accepted'], ['task.succeeded']]);
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(state.result, { ok: 1 });
    assert.equal(state.attempts.length, 1);
    assert.equal(state.attempts[0]!.outcome, 'succeeded');
  });

  test('due times: accept due = assigned + accept timeout; run due = accepted + timeout, or the deadline when sooner', () => {
    let { state } = run([{ type: 'create', data: created() }, assign()]);
    assert.equal(state.acceptDueAt, plus(5000));
    assert.equal(taskDueAt(state), plus(5000));
    state = run([accept(A, 1, plus(1000))], state).state;
    assert.equal(state.runDueAt, plus(61_000));
    const withDeadline = run([{ type: 'create', data: created({ deadline: plus(30_000) }) }, assign(), accept(A, 1, plus(1000))]).state;
    assert.equal(withDeadline.runDueAt, plus(30_000));
  });

  test('a task id given twice is refused', () => {
    const { state } = run([{ type: 'create', data: created() }]);
    expect(() => decideTask({ type: 'create', data: created() }, state)).toThrow(expect.objectContaining({ code: ErrorCodes.TASK_EXISTS }));
  });

  test('reports from another agent, or for another attempt, are stale; the same report again changes nothing', () => {
    const { state } = run([{ type: 'create', data: created() }, assign(), accept()]);
    expect(() => decideTask({ type: 'succeed', agentId: B, attempt: 1, result: {}, reportId: 'x', now: T0 }, state)).toThrow(
      expect.objectContaining({ code: ErrorCodes.TASK_STALE_ATTEMPT }),
    );
    expect(() => decideTask({ type: 'progress', agentId: A, attempt: 2, percent: 1, message: 'm', reportId: 'x', now: T0 }, state)).toThrow(
      expect.objectContaining({ code: ErrorCodes.TASK_STALE_ATTEMPT }),
    );
    const progressed = run([{ type: 'progress', agentId: A, attempt: 1, percent: 50, message: 'half', reportId: 'p1', now: T0 }], state).state;
    assert.deepEqual(progressed.progress, { percent: 50, message: 'half' });
    assert.equal(decideTask({ type: 'progress', agentId: A, attempt: 1, percent: 50, message: 'half', reportId: 'p1', now: T0 }, progressed).changed, false);
    const done = run([{ type: 'succeed', agentId: A, attempt: 1, result: {}, reportId: 's1', now: T0 }], progressed).state;
    assert.equal(
      decideTask({ type: 'succeed', agentId: A, attempt: 1, result: {}, reportId: 's1', now: T0 }, done).changed,
      false,
      'a result sent again is answered, not recorded twice',
    );
    expect(() => decideTask({ type: 'progress', agentId: A, attempt: 1, percent: 1, message: 'late', reportId: 'p2', now: T0 }, done)).toThrow(
      expect.objectContaining({ code: ErrorCodes.TASK_STALE_ATTEMPT }),
    );
  });

  test('a result before the acceptance was recorded (lost offer reply) accepts the attempt first', () => {
    const { types, state } = run([{ type: 'create', data: created() }, assign(), { type: 'succeed', agentId: A, attempt: 1, result: {}, reportId: 's', now: T0 }]);
    assert.deepEqual(types[2], ['task.accepted', 'task.succeeded']);
    assert.equal(state.status, 'succeeded');
  });

  test('accepting twice is idempotent', () => {
    const { state } = run([{ type: 'create', data: created() }, assign(), accept()]);
    assert.equal(decideTask(accept(), state).changed, false);
  });

  test('a failure is retried while attempts are left, then the task fails with the reason', () => {
    const fail = (attempt: number): TaskCommand => ({ type: 'fail', agentId: A, attempt, reason: 'compile error', reportId: `f${attempt}` });
    const { state, types } = run([{ type: 'create', data: created() }, assign(), accept(), fail(1), assign(A), accept(A, 2), fail(2)]);
    assert.deepEqual(types[3], ['task.attempt_failed']);
    assert.deepEqual(types[6], ['task.attempt_failed', 'task.failed']);
    assert.equal(state.status, 'failed');
    assert.equal(state.failureReason, 'attempt 2 of 2: compile error');
    assert.deepEqual(
      state.attempts.map((a) => [a.attempt, a.outcome]),
      [
        [1, 'failed'],
        [2, 'failed'],
      ],
    );
    assert.equal(decideTask(fail(2), state).changed, false, 'the same failure reported again');
  });

  test('timeouts: not accepted in time, or no result in time; nothing before the due time', () => {
    let { state } = run([{ type: 'create', data: created() }, assign()]);
    assert.equal(decideTask({ type: 'expire', now: plus(4999) }, state).changed, false);
    const r = run([{ type: 'expire', now: plus(5000) }], state);
    assert.deepEqual(r.types[0], ['task.attempt_failed']);
    assert.equal(r.state.attempts[0]!.outcome, 'timed_out');
    state = run([assign(B, plus(5000)), accept(B, 2, plus(6000))], r.state).state;
    const last = run([{ type: 'expire', now: plus(66_000) }], state);
    assert.deepEqual(last.types[0], ['task.attempt_failed', 'task.failed']);
    expect(last.state.failureReason).toMatch(/attempt 2 of 2: no result from agent-b within 60 s \(timeout\)/);
  });

  test('the deadline fails a queued task, and ends a running one without retry', () => {
    const queued = run([{ type: 'create', data: created({ deadline: plus(10_000), maxAttempts: 5 }) }]).state;
    assert.deepEqual(run([{ type: 'expire', now: plus(10_000) }], queued).types[0], ['task.failed']);
    const running = run([assign(), accept()], queued).state;
    const r = run([{ type: 'expire', now: plus(10_000) }], running);
    assert.deepEqual(r.types[0], ['task.attempt_failed', 'task.failed']);
    expect(r.state.failureReason).toMatch(/deadline/);
  });

  test('the agent dies: requeued while attempts are left, failed after the last; another agent dying changes nothing', () => {
    const { state } = run([{ type: 'create', data: created() }, assign(), accept()]);
    assert.equal(decideTask({ type: 'agent_died', agentId: B, reason: 'x' }, state).changed, false);
    const r = run(
      [{ type: 'agent_died', agentId: A, reason: 'agent a exited (137)' }, assign(B), accept(B, 2), { type: 'agent_died', agentId: B, reason: 'agent b removed' }],
      state,
    );
    assert.deepEqual(r.types[0], ['task.requeued']);
    assert.deepEqual(r.types[3], ['task.attempt_failed', 'task.failed']);
    assert.equal(r.state.status, 'failed');
    expect(r.state.failureReason).toMatch(/attempt 2 of 2: agent b removed/);
  });

  test('a refusal ends the attempt', () => {
    const { state, types } = run([{ type: 'create', data: created() }, assign(), { type: 'refuse', agentId: A, attempt: 1, reason: 'busy' }]);
    assert.deepEqual(types[2], ['task.attempt_failed']);
    assert.equal(state.status, 'queued');
    assert.equal(state.attempts[0]!.outcome, 'refused');
  });

  test('cancel: ends an open task (naming its agent while it holds it); a finished one is left as it is', () => {
    const { state } = run([{ type: 'create', data: created() }, assign(), accept()]);
    const d = decideTask({ type: 'cancel' }, state);
    const e = d.appends[0]!.events[0]!;
    assert.equal(e.type, 'task.cancelled');
    assert.equal((e.data as { agentId: string }).agentId, A);
    const cancelled = run([{ type: 'cancel' }], state).state;
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(decideTask({ type: 'cancel' }, cancelled).changed, false);
    expect(() => decideTask({ type: 'succeed', agentId: A, attempt: 1, result: {}, reportId: 'late', now: T0 }, cancelled)).toThrow(
      expect.objectContaining({ code: ErrorCodes.TASK_STALE_ATTEMPT }),
    );
  });

  test('assign only from the queue; give_up fails a queued task with the reason', () => {
    const { state } = run([{ type: 'create', data: created() }, assign()]);
    assert.equal(decideTask(assign(B), state).changed, false);
    const q = run([{ type: 'create', data: created() }]).state;
    const r = run([{ type: 'give_up', reason: 'team coding was deleted' }], q);
    assert.equal(r.state.status, 'failed');
    assert.equal(r.state.failureReason, 'team coding was deleted');
  });

  test('an unknown task is TASK.NOT_FOUND', () => {
    expect(() => decideTask({ type: 'cancel' }, initialTaskState(TASK))).toThrow(expect.objectContaining({ code: ErrorCodes.TASK_NOT_FOUND }));
  });
});
