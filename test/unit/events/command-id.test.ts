import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { canonicalJson, commandIdReservation } from '@sacp/events';
import { bindingMismatch } from '@sacp/event-store';

describe('command id binding (pure)', () => {
  test('canonical JSON does not depend on key order, drops undefined, keeps arrays in order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined, e: null } }), canonicalJson({ a: { e: null, d: [2, 1] }, b: 1 }));
    assert.notEqual(canonicalJson({ a: [1, 2] }), canonicalJson({ a: [2, 1] }));
    assert.equal(canonicalJson({ z: 'x', a: 1 }), '{"a":1,"z":"x"}');
  });

  test('a duplicate is the same type, payload and sender kind; anything else names what differs', () => {
    const first = { commandType: 'agent.deploy', payloadHash: 'h1', actorKind: 'cli' };
    assert.equal(bindingMismatch(first, { ...first }), null);
    assert.equal(bindingMismatch(first, { ...first, commandType: 'agent.stop' }), 'type');
    assert.equal(bindingMismatch(first, { ...first, payloadHash: 'h2' }), 'payload');
    assert.equal(bindingMismatch(first, { ...first, actorKind: 'discord' }), 'actor');
  });

  test('a row recorded before ids were bound binds its type only', () => {
    const old = { commandType: 'agent.deploy', payloadHash: null, actorKind: null };
    assert.equal(bindingMismatch(old, { commandType: 'agent.deploy', payloadHash: 'h', actorKind: 'cli' }), null);
    assert.equal(bindingMismatch(old, { commandType: 'agent.stop', payloadHash: 'h', actorKind: 'cli' }), 'type');
  });

  test('ids the control plane derives are kept for their sender kind', () => {
    assert.deepEqual(commandIdReservation('idle:abc:1'), { prefix: 'idle:', kind: 'system' });
    assert.deepEqual(commandIdReservation('alert-resolve:e1'), { prefix: 'alert-resolve:', kind: 'system' });
    assert.deepEqual(commandIdReservation('discord-1234'), { prefix: 'discord-', kind: 'discord' });
    assert.equal(commandIdReservation('0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10'), null);
    assert.equal(commandIdReservation('my-idle:1'), null);
  });
});
