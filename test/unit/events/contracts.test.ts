import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandContracts, CommandEnvelopeSchema } from '../../../libs/events/src/commands';
import { EventContracts } from '../../../libs/events/src/events';
import { EventMetadataSchema } from '../../../libs/events/src/metadata';

describe('wire contracts', () => {
  test('every event version has an example its schema accepts', () => {
    for (const [type, c] of Object.entries(EventContracts)) {
      assert.equal(c.type, type);
      const r = c.data.safeParse(c.example);
      assert.ok(r.success, `${type}: ${!r.success && r.error.message}`);
    }
  });

  test('every command version has an example its schema accepts inside a valid envelope', () => {
    for (const [type, c] of Object.entries(CommandContracts)) {
      assert.equal(c.type, type);
      const envelope = { type, version: c.version, commandId: 'c-1', actor: { kind: 'cli', id: 'u', displayName: 'U' }, source: 'cli', payload: c.example };
      assert.ok(CommandEnvelopeSchema.safeParse(envelope).success, type);
      assert.ok(c.payload.safeParse(c.example).success, type);
    }
  });

  test('metadata requires an actor kind from discord, api, cli or system', () => {
    const meta = { commandId: 'c', correlationId: 'c', causationId: null, actor: { kind: 'robot', id: 'x', displayName: 'x' }, source: 's', reason: null, occurredAt: '2026-11-26T10:00:00.000Z' };
    assert.equal(EventMetadataSchema.safeParse(meta).success, false);
    assert.equal(EventMetadataSchema.safeParse({ ...meta, actor: { ...meta.actor, kind: 'discord' } }).success, true);
  });
});
