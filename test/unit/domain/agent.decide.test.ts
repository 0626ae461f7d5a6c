import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { decideAgent, DomainError, initialAgentState } from '@sacp/domain';
import { AGENT_ID, TEMPLATE_REF, event, given, runningAgent, deployed } from '../../factories/agent-events';

const types = (d: ReturnType<typeof decideAgent>) => d.appends.flatMap((a) => a.events.map((e) => `${a.streamId}:${e.type}`));
const rejects = (fn: () => unknown, code: string, text: RegExp) => assert.throws(fn, (err: unknown) => err instanceof DomainError && err.code === code && text.test(err.message));

describe('agent decider', () => {
  test('deploy claims the name and records the deployment on a new stream', () => {
    const d = decideAgent({ type: 'deploy', agentId: AGENT_ID, name: 'coder-1', template: TEMPLATE_REF }, initialAgentState(AGENT_ID), { holder: null, version: 0 });
    assert.deepEqual(types(d), [`agent-${AGENT_ID}:agent.deployed`, 'agent-name-coder-1:agent.name_claimed']);
    assert.equal(d.appends[0]!.expectedVersion, 0);
    assert.deepEqual(d.result, { agentId: AGENT_ID, name: 'coder-1', changed: true, desired: 'running' });
  });

  test('deploying a name already in use is refused with AGENT.NAME_IN_USE naming the holder', () => {
    rejects(
      () => decideAgent({ type: 'deploy', agentId: AGENT_ID, name: 'coder-1', template: TEMPLATE_REF }, initialAgentState(AGENT_ID), { holder: 'other-agent', version: 1 }),
      'AGENT.NAME_IN_USE',
      /"coder-1" is already used by agent other-agent/,
    );
  });

  test('a released name can be claimed again, expecting the name stream version', () => {
    const d = decideAgent({ type: 'deploy', agentId: AGENT_ID, name: 'coder-1', template: TEMPLATE_REF }, initialAgentState(AGENT_ID), { holder: null, version: 2 });
    assert.equal(d.appends[1]!.expectedVersion, 2);
  });

  test('stop asks for a stop; stopping again changes nothing', () => {
    const stop = decideAgent({ type: 'stop' }, runningAgent());
    assert.deepEqual(types(stop), [`agent-${AGENT_ID}:agent.stop_requested`]);
    assert.equal(stop.appends[0]!.expectedVersion, 3);
    const again = decideAgent({ type: 'stop' }, given(deployed(), event('agent.stop_requested')));
    assert.deepEqual(again.appends, []);
    assert.equal(again.result.changed, false);
  });

  test('start of a running agent changes nothing; start after an exit asks for a new run', () => {
    assert.deepEqual(decideAgent({ type: 'start' }, runningAgent()).appends, []);
    const exited = given(
      deployed(),
      event('agent.container_created', { containerId: 'c1', containerName: 'n', generation: 1 }),
      event('agent.container_started', { containerId: 'c1' }),
      event('agent.container_exited', { containerId: 'c1', exitCode: 1, oomKilled: false, finishedAt: null }),
    );
    assert.deepEqual(types(decideAgent({ type: 'start' }, exited)), [`agent-${AGENT_ID}:agent.start_requested`]);
  });

  test('restart numbers its requests; restart of a stopped agent starts it', () => {
    const first = decideAgent({ type: 'restart' }, runningAgent());
    assert.deepEqual(first.appends[0]!.events[0]!.data, { agentId: AGENT_ID, restartSeq: 1 });
    const stopped = given(deployed(), event('agent.stop_requested'));
    assert.deepEqual(types(decideAgent({ type: 'restart' }, stopped)), [`agent-${AGENT_ID}:agent.start_requested`]);
  });

  test('every command on a removed agent is refused with AGENT.REMOVED naming it', () => {
    const removed = given(deployed(), event('agent.remove_requested'));
    for (const type of ['start', 'stop', 'restart', 'remove'] as const)
      rejects(() => decideAgent({ type }, removed), 'AGENT.REMOVED', new RegExp(`cannot ${type} agent "coder-1": it has been removed`));
  });

  test('commands on an agent that never existed are refused with AGENT.NOT_FOUND', () => {
    rejects(() => decideAgent({ type: 'stop' }, initialAgentState(AGENT_ID)), 'AGENT.NOT_FOUND', /no agent/);
  });
});
