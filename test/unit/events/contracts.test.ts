import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { CommandContracts, CommandEnvelopeSchema, EventContracts, PreviousEventContracts, EventMetadataSchema } from '@sacp/events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/service-process';

const EXAMPLES = join(REPO_ROOT, 'libs/events/examples');

describe('wire contracts', () => {
  test('every event version has an example its schema accepts', () => {
    for (const [type, c] of Object.entries(EventContracts)) {
      assert.equal(c.type, type);
      const r = c.data.safeParse(c.example);
      assert.ok(r.success, `${type}: ${!r.success && r.error.message}`);
    }
    for (const c of PreviousEventContracts) {
      const current = EventContracts[c.type];
      assert.ok(current && current.version > c.version, `${c.type} v${c.version} is older than the current version`);
      assert.ok(c.data.safeParse(c.example).success, `${c.type} v${c.version}`);
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

  test('every published version has a frozen JSON example that still parses', () => {
    // Array.from: an array of this file's realm; jest runs each test file in its own VM context, fs
    // returns Node's arrays, and deepEqual compares prototypes
    const files = Array.from(readdirSync(EXAMPLES)).sort();
    const expected = [
      ...[...Object.values(EventContracts), ...PreviousEventContracts].map((c) => `event.${c.type}.v${c.version}.json`),
      ...Object.values(CommandContracts).map((c) => `command.${c.type}.v${c.version}.json`),
    ].sort();
    assert.deepEqual(files, expected, 'one frozen example per contract version');
    for (const f of files) {
      const [, kind, type, version] = /^(event|command)\.(.+)\.v(\d+)\.json$/.exec(f)!;
      const contracts = (kind === 'event' ? EventContracts : CommandContracts) as Record<
        string,
        { version: number; data?: { safeParse(x: unknown): { success: boolean } }; payload?: { safeParse(x: unknown): { success: boolean } } }
      >;
      const previous = kind === 'event' ? PreviousEventContracts.find((p) => p.type === type && p.version === Number(version)) : undefined;
      const c = (previous ?? contracts[type!]!) as (typeof contracts)[string];
      assert.equal(c.version, Number(version));
      const schema = c.data ?? c.payload!;
      assert.ok(schema.safeParse(JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8'))).success, `${f} no longer parses: a published version is frozen; add a new version instead`);
    }
  });

  test('metadata requires an actor kind from discord, api, cli or system', () => {
    const meta = {
      commandId: 'c',
      correlationId: 'c',
      causationId: null,
      actor: { kind: 'robot', id: 'x', displayName: 'x' },
      source: 's',
      reason: null,
      occurredAt: '2026-11-26T10:00:00.000Z',
    };
    assert.equal(EventMetadataSchema.safeParse(meta).success, false);
    assert.equal(EventMetadataSchema.safeParse({ ...meta, actor: { ...meta.actor, kind: 'discord' } }).success, true);
  });
});
