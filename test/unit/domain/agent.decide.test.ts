import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { AgentCommand } from '@sacp/domain';
import { AGENT_ID, TEMPLATE_REF, agentDecider, deployed, event, runningAgentEvents } from '../../factories/agent-events';
import { deciderSpec } from '../../support/decider-spec';

const { given } = deciderSpec(agentDecider);

const AGENT_STREAM = `agent-${AGENT_ID}`;
const deploy: AgentCommand = { type: 'deploy', agentId: AGENT_ID, name: 'coder-1', template: TEMPLATE_REF };
const deployedEvents = [
  { stream: AGENT_STREAM, type: 'agent.deployed', data: { agentId: AGENT_ID, name: 'coder-1', template: TEMPLATE_REF, generation: 1 } },
  { stream: 'agent-name-coder-1', type: 'agent.name_claimed', data: { name: 'coder-1', agentId: AGENT_ID } },
];
const claimedByOther = () => event('agent.name_claimed', { name: 'coder-1', agentId: 'other-agent' });

describe('agent decider', () => {
  test('deploy claims the name and records the deployment on a new stream', () => {
    const d = given([]).when(deploy).then(deployedEvents);
    assert.equal(d.appends[0]!.expectedVersion, 0);
    assert.deepEqual(d.result, { agentId: AGENT_ID, name: 'coder-1', changed: true, desired: 'running' });
  });

  test('deploying a name already in use is refused with AGENT.NAME_IN_USE naming the holder', () => {
    given([claimedByOther()])
      .when(deploy)
      .then({ error: 'AGENT.NAME_IN_USE', message: /"coder-1" is already used by agent other-agent/ });
  });

  test('a released name can be claimed again, expecting the name stream version', () => {
    const d = given([claimedByOther(), event('agent.name_released', { name: 'coder-1', agentId: 'other-agent' })])
      .when(deploy)
      .then(deployedEvents);
    assert.equal(d.appends[1]!.expectedVersion, 2);
  });

  test('stop asks for a stop; stopping again changes nothing', () => {
    const stop = given(runningAgentEvents())
      .when({ type: 'stop' })
      .then([{ stream: AGENT_STREAM, type: 'agent.stop_requested', data: { agentId: AGENT_ID } }]);
    assert.equal(stop.appends[0]!.expectedVersion, 3);
    const again = given([deployed(), event('agent.stop_requested')])
      .when({ type: 'stop' })
      .then([]);
    assert.equal(again.result.changed, false);
  });

  test('start of a running agent changes nothing; start after an exit asks for a new run', () => {
    given(runningAgentEvents()).when({ type: 'start' }).then([]);
    given([...runningAgentEvents(), event('agent.container_exited', { containerId: 'c1', exitCode: 1, oomKilled: false, finishedAt: null })])
      .when({ type: 'start' })
      .then([{ stream: AGENT_STREAM, type: 'agent.start_requested', data: { agentId: AGENT_ID } }]);
  });

  test('restart numbers its requests; restart of a stopped agent starts it', () => {
    given(runningAgentEvents())
      .when({ type: 'restart' })
      .then([{ stream: AGENT_STREAM, type: 'agent.restart_requested', data: { agentId: AGENT_ID, restartSeq: 1 } }]);
    given([deployed(), event('agent.stop_requested')])
      .when({ type: 'restart' })
      .then([{ stream: AGENT_STREAM, type: 'agent.start_requested', data: { agentId: AGENT_ID } }]);
  });

  test('every command on a removed agent is refused with AGENT.REMOVED naming it', () => {
    for (const type of ['start', 'stop', 'restart', 'remove'] as const)
      given([deployed(), event('agent.remove_requested')])
        .when({ type })
        .then({ error: 'AGENT.REMOVED', message: new RegExp(`cannot ${type} agent "coder-1": it has been removed`) });
  });

  test('commands on an agent that never existed are refused with AGENT.NOT_FOUND', () => {
    given([])
      .when({ type: 'stop' })
      .then({ error: 'AGENT.NOT_FOUND', message: /no agent/ });
  });
});
