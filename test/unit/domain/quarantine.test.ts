import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { evolveQuarantine, initialQuarantineState, planQuarantine, quarantinedName } from '@sacp/domain';
import { ContainerQuarantinedV1 } from '@sacp/events';

const quarantined = { type: 'container.quarantined', data: { ...ContainerQuarantinedV1.example, removeAfter: '2026-11-27T10:00:00.000Z' } };
const fold = (...events: { type: string; data: unknown }[]) => events.reduce(evolveQuarantine, initialQuarantineState());

describe('quarantine of containers the store does not know', () => {
  test('first sight: quarantine, never remove', () => {
    assert.deepEqual(planQuarantine(fold(), '2030-01-01T00:00:00.000Z'), { kind: 'quarantine' });
  });

  test('quarantined: wait until removeAfter, then remove', () => {
    const s = fold(quarantined);
    assert.equal(s.version, 1);
    assert.deepEqual(planQuarantine(s, '2026-11-27T09:59:59.999Z'), { kind: 'wait', until: '2026-11-27T10:00:00.000Z' });
    assert.deepEqual(planQuarantine(s, '2026-11-27T10:00:00.000Z'), { kind: 'remove', by: 'grace_period' });
  });

  test('recorded as removed but still there (a failed removal): removed again', () => {
    const s = fold(quarantined, { type: 'container.quarantine_removed', data: { containerId: 'x', containerName: 'y', by: 'operator' } });
    assert.equal(s.removed, true);
    assert.equal(planQuarantine(s, '2026-01-01T00:00:00.000Z').kind, 'remove');
  });

  test('the new name says why, once', () => {
    assert.equal(quarantinedName('sacp-coder-1-g1'), 'sacp-quarantined-sacp-coder-1-g1');
    assert.equal(quarantinedName('sacp-quarantined-sacp-coder-1-g1'), 'sacp-quarantined-sacp-coder-1-g1');
    assert.ok(quarantinedName('x'.repeat(300)).length <= 200);
  });
});
