import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { EventContracts, isEventOf, newEvent, Subjects, type NewKnownEvent, type StoredEvent } from '@sacp/events';

describe('typed events', () => {
  test("newEvent writes each type's current schema version and data", () => {
    const deployed = newEvent('agent.deployed', { agentId: 'a1', name: 'coder-1', template: { name: 'grok4', version: 1, hash: 'sha256:1' }, generation: 1 });
    assert.deepEqual(deployed, {
      type: 'agent.deployed',
      schemaVersion: 1,
      data: { agentId: 'a1', name: 'coder-1', template: { name: 'grok4', version: 1, hash: 'sha256:1' }, generation: 1 },
    });
    const failed: NewKnownEvent = newEvent('agent.operation_failed', {
      agentId: 'a1',
      operation: 'start',
      code: 'DOCKER.OPERATION_FAILED',
      message: 'no',
      failures: 1,
      limit: 5,
      nextAttemptAt: null,
    });
    assert.equal(failed.schemaVersion, EventContracts['agent.operation_failed'].version);
    assert.equal(failed.schemaVersion, 2);
    // what newEvent builds passes the contract it names
    assert.equal(EventContracts['agent.deployed'].data.safeParse(deployed.data).success, true);
  });

  test('isEventOf narrows by type and schema version: an older version of the same type is not the current shape', () => {
    const e = (type: string, schemaVersion: number) => ({ type, schemaVersion, data: { agentId: 'a1', containerId: 'c1' } }) as unknown as StoredEvent;
    const started = e('agent.container_started', 1);
    assert.equal(isEventOf(started, 'agent.container_started'), true);
    if (isEventOf(started, 'agent.container_started')) assert.equal(started.data.containerId, 'c1');
    assert.equal(isEventOf(started, 'agent.container_stopped'), false);
    assert.equal(isEventOf(e('agent.operation_failed', 1), 'agent.operation_failed'), false);
  });

  test('subjects are built from the typed contracts', () => {
    assert.equal(Subjects.command('agent.deploy', 'discord'), 'sacp.cmd.agent.deploy.discord');
    assert.equal(Subjects.query('metrics.agents'), 'sacp.qry.metrics.agents');
    assert.ok(Subjects.query('agent.status').startsWith(Subjects.queryPrefix));
  });
});
