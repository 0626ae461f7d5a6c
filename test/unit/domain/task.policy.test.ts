import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  agentDeathReason,
  initialAgentState,
  initialTaskState,
  pickAssignee,
  pickTargetAgent,
  taskHolderDied,
  type AgentState,
  type TaskCandidate,
  type TaskState,
} from '@sacp/domain';

const member = (name: string, over: Partial<TaskCandidate> = {}): TaskCandidate => ({
  agentId: `id-${name}`,
  name,
  role: 'coder',
  exists: true,
  desired: 'running',
  observed: 'running',
  recoveryAbandoned: false,
  openTasks: 0,
  ...over,
});
const pick = (members: TaskCandidate[], role: string | null = null, tried: string[] = []) => pickAssignee({ role, triedAgentIds: tried }, members);

describe('team assignment policy', () => {
  test('an idle member first, then the fewest open tasks', () => {
    const p = pick([member('a', { openTasks: 2 }), member('b', { openTasks: 0 }), member('c', { openTasks: 1 })]);
    assert.equal(p.agentId, 'id-b');
    assert.ok(p.agentId && p.policy.startsWith('idle member'));
    const q = pick([member('a', { openTasks: 2 }), member('c', { openTasks: 1 })]);
    assert.equal(q.agentId, 'id-c');
    assert.ok(q.agentId && q.policy.includes('fewest open tasks (1)'));
  });

  test('only members of the role asked for', () => {
    const p = pick([member('coder'), member('rev', { role: 'reviewer', openTasks: 3 })], 'reviewer');
    assert.equal(p.agentId, 'id-rev');
    const none = pick([member('coder')], 'reviewer');
    assert.equal(none.agentId, null);
    assert.ok(none.agentId === null && none.waiting.includes('no member with role reviewer'));
  });

  test('removed, failed, crashed members are left out; a stopped (idle-stopped) member is eligible and gets started', () => {
    const p = pick([
      member('gone', { desired: 'removed' }),
      member('abandoned', { recoveryAbandoned: true }),
      member('crashed', { observed: 'exited' }),
      member('sleeping', { desired: 'stopped', observed: 'stopped', openTasks: 0 }),
    ]);
    assert.equal(p.agentId, 'id-sleeping');
    assert.ok(p.agentId && p.startsAgent && p.policy.includes('started for the task'));
    const none = pick([member('crashed', { observed: 'exited' })]);
    assert.ok(none.agentId === null && none.waiting.includes('crashed not running (exited)'));
  });

  test('at equal load a running member before a stopped one, one not tried before, then by name', () => {
    assert.equal(pick([member('a', { desired: 'stopped', observed: 'stopped' }), member('b')]).agentId, 'id-b');
    assert.equal(pick([member('a'), member('b')], null, ['id-a']).agentId, 'id-b');
    assert.equal(pick([member('b'), member('a')]).agentId, 'id-a');
  });

  test('a task for one agent: that agent when it can take it', () => {
    assert.equal(pickTargetAgent(member('a')).agentId, 'id-a');
    const stopped = pickTargetAgent(member('a', { desired: 'stopped', observed: 'exited' }));
    assert.ok(stopped.agentId && stopped.startsAgent);
    const removed = pickTargetAgent(member('a', { desired: 'removed' }));
    assert.ok(removed.agentId === null && removed.waiting === 'a is removed');
  });
});

describe('the agent holding a task died', () => {
  const agent = (over: Partial<AgentState> = {}): AgentState => ({
    ...initialAgentState('id-a'),
    exists: true,
    name: 'a',
    desired: 'running',
    observed: 'running',
    runningSince: 'run-1',
    ...over,
  });
  const task = (over: Partial<TaskState> = {}): TaskState => ({
    ...initialTaskState('t'),
    exists: true,
    status: 'running',
    agentId: 'id-a',
    attempt: 1,
    agentRunningSince: 'run-1',
    ...over,
  });

  test('a running attempt: the same run is alive; another run, a container not running, a removed agent is dead', () => {
    assert.equal(taskHolderDied(task(), agent()), false);
    assert.equal(taskHolderDied(task(), agent({ runningSince: 'run-2' })), true);
    assert.equal(agentDeathReason(agent({ runningSince: 'run-2' })), 'agent a was restarted while it held the task');
    assert.equal(taskHolderDied(task(), agent({ observed: 'exited', lastExitCode: 137 })), true);
    assert.equal(agentDeathReason(agent({ observed: 'exited', lastExitCode: 137 })), 'agent a exited (code 137) while it held the task');
    assert.equal(taskHolderDied(task(), agent({ desired: 'removed' })), true);
    assert.equal(agentDeathReason(agent({ desired: 'removed' })), 'agent a was removed');
    assert.equal(taskHolderDied(task({ agentRunningSince: null }), agent({ runningSince: 'run-9' })), false, 'accepted without a known run: only a container not running counts');
  });

  test('an assigned attempt waits for its accept timeout while its agent starts; only a removal ends it at once', () => {
    assert.equal(taskHolderDied(task({ status: 'assigned', agentRunningSince: null }), agent({ desired: 'running', observed: 'stopped' })), false);
    assert.equal(taskHolderDied(task({ status: 'assigned', agentRunningSince: null }), agent({ exists: false })), true);
  });
});
