import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { MIGRATIONS, PgEventStore, Projector, alertsProjection } from '@sacp/event-store';
import { migrateWith } from '@sacp/event-store/nest';
import { AlertRaisedV1 } from '@sacp/events';
import { createTestDatabase, testPool } from '../../support/postgres';
import { metadata, testDataSource } from '../../support/event-store';
import { waitFor } from '../../support/ports';
import { migrateAsTheLegacyRunner } from '../../support/legacy-migrations';

const KEY = 'agent:a1:recovery';
const raised = (message: string) => ({ type: 'alert.raised', schemaVersion: 1, data: { ...AlertRaisedV1.example, key: KEY, agentId: 'a1', message } });
const resolved = { type: 'alert.resolved', schemaVersion: 1, data: { key: KEY, agentId: 'a1', message: 'over' } };

/**
 * Migration 013 fills the alerts read model from the alerts already recorded; the
 * projection then carries on from its checkpoint, and what it applies again (events
 * recorded before the migration) changes nothing.
 */
describe('the alerts read model: migration 013 and the alerts projection (real Postgres)', () => {
  let owner: Pool;
  let ds: DataSource;
  let store: PgEventStore;
  let drop: () => Promise<void>;
  const rows = async () =>
    (
      await owner.query(
        `select raise_position as p, message, resolved_message as resolved, acknowledged->>'note' as note, acknowledged->'by'->>'displayName' as by
           from alerts order by raise_position`,
      )
    ).rows;

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    owner = testPool(db.ownerUrl);
    await migrateAsTheLegacyRunner(
      owner,
      MIGRATIONS.map((M) => new M()).filter((m) => m.legacyId !== '013-alerts'),
    );
    ds = await testDataSource(db.url);
    store = new PgEventStore(ds);
    // before the migration: an alert raised and resolved, and raised again
    await store.append([{ streamId: `alert-${KEY}`, expectedVersion: 0, events: [raised('first')] }], metadata());
    await store.append([{ streamId: `alert-${KEY}`, expectedVersion: 1, events: [resolved] }], metadata());
    await store.append([{ streamId: `alert-${KEY}`, expectedVersion: 2, events: [raised('second')] }], metadata());
    await migrateWith(db.ownerUrl);
  });
  afterAll(async () => {
    await ds?.destroy();
    await owner?.end();
    await drop?.();
  });

  const expectedBefore = [
    { p: 1, message: 'first', resolved: 'over', note: null, by: null },
    { p: 3, message: 'second', resolved: null, note: null, by: null },
  ];

  test('the migration fills the table from the events: each resolve closes the raise before it', async () => {
    assert.deepEqual(await rows(), expectedBefore);
  });

  test('the projection applies the same events again with no change, then acknowledges the open alert only', async () => {
    const projector = new Projector(store, [alertsProjection]);
    // commit-safe reads wait for every older transaction of the cluster (other test files' too)
    let applied = 0;
    const caughtUp = (n: number) => waitFor(`${n} events applied`, async () => (applied += await projector.catchUp()) >= n);
    await caughtUp(3);
    assert.equal(applied, 3);
    assert.deepEqual(await rows(), expectedBefore, 'applied twice, nothing changed');

    await store.append(
      [
        {
          streamId: `alert-${KEY}`,
          expectedVersion: 3,
          events: [{ type: 'alert.acknowledged', schemaVersion: 1, data: { key: KEY, alertId: 'x', agentId: 'a1', note: 'on it' } }],
        },
      ],
      metadata({ actor: { kind: 'api', id: 'u1', displayName: 'alice' } }),
    );
    await store.append([{ streamId: `alert-${KEY}`, expectedVersion: 4, events: [resolved] }], metadata());
    await caughtUp(5);
    assert.equal(applied, 5);
    const after = [
      { p: 1, message: 'first', resolved: 'over', note: null, by: null },
      { p: 3, message: 'second', resolved: 'over', note: 'on it', by: 'alice' },
    ];
    assert.deepEqual(await rows(), after);

    await projector.rebuild();
    assert.deepEqual(await rows(), after, 'a rebuild gives exactly the live state');
  });
});
