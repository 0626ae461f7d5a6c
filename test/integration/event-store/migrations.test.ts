import { describe, test, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { LEGACY_MIGRATIONS_TABLE, MIGRATIONS, MIGRATION_NAMES, MIGRATIONS_TABLE, PgEventStore, SchemaNotMigratedError, checkSchema } from '@sacp/event-store';
import { migrateWith } from '@sacp/event-store/nest';
import { createTestDatabase, testPool, type TestDatabase } from '../../support/postgres';
import { metadata, testDataSource, testEvent } from '../../support/event-store';
import { migrateAsTheLegacyRunner } from '../../support/legacy-migrations';

/** The schema check a service runs at start, on its own role's DataSource. */
async function schemaCheckAsTheServices(db: TestDatabase) {
  const ds = await testDataSource(db.url);
  try {
    return await checkSchema(ds);
  } finally {
    await ds.destroy();
  }
}

async function recorded(db: TestDatabase): Promise<string[]> {
  const pool = testPool(db.adminUrl);
  try {
    return (await pool.query<{ name: string }>(`select name from ${MIGRATIONS_TABLE} order by timestamp`)).rows.map((r) => r.name);
  } finally {
    await pool.end();
  }
}

describe('migrations: TypeORM runs them as the owner, under the migration lock, and takes over a store the previous runner migrated (real Postgres)', () => {
  const databases: TestDatabase[] = [];
  const database = async () => {
    const db = await createTestDatabase();
    databases.push(db);
    return db;
  };
  afterAll(async () => {
    for (const db of databases) await db.drop().catch(() => undefined);
  });

  test('an unmigrated store stops a service with what to run; migrating applies every migration once, in order', async () => {
    const db = await database();
    await assert.rejects(schemaCheckAsTheServices(db), (err: unknown) => {
      assert.ok(err instanceof SchemaNotMigratedError);
      assert.equal(err.code, 'STORE.NOT_MIGRATED');
      assert.match(err.message, /not migrated \(no typeorm_migrations table\)/);
      assert.match(err.message, /node dist\/apps\/orchestrator\/migrate\.js/);
      assert.match(err.message, /DATABASE_MIGRATION_URL/);
      return true;
    });
    assert.deepEqual(await migrateWith(db.ownerUrl), { applied: MIGRATION_NAMES, takenOver: [] });
    assert.deepEqual(await recorded(db), MIGRATION_NAMES);
    assert.deepEqual(await migrateWith(db.ownerUrl), { applied: [], takenOver: [] }, 'a second run finds nothing to do');
    assert.deepEqual((await schemaCheckAsTheServices(db)).warnings, []);
  });

  test('a store missing a migration this code needs is refused by name', async () => {
    const db = await database();
    await migrateWith(db.ownerUrl);
    const admin = testPool(db.adminUrl);
    try {
      await admin.query(`delete from ${MIGRATIONS_TABLE} where name = $1`, ['StoreIdentity1700000000010']);
    } finally {
      await admin.end();
    }
    await assert.rejects(
      schemaCheckAsTheServices(db),
      /the event store's schema is not migrated \(missing StoreIdentity1700000000010\): run `node dist\/apps\/orchestrator\/migrate\.js`/,
    );
  });

  test('replicas migrating at once: one applies every migration, the others wait for the lock and find nothing to do', async () => {
    const db = await database();
    const reports = await Promise.all(Array.from({ length: 3 }, () => migrateWith(db.ownerUrl)));
    assert.deepEqual(reports.map((r) => r.applied.length).sort(), [0, 0, MIGRATIONS.length]);
    assert.deepEqual(await recorded(db), MIGRATION_NAMES, 'each recorded once');
  });

  test('a store the previous runner migrated is taken over: every migration recorded as applied, none run again, the services read the new record', async () => {
    const db = await database();
    const owner = testPool(db.ownerUrl);
    try {
      await migrateAsTheLegacyRunner(
        owner,
        MIGRATIONS.map((M) => new M()),
      );
      // history and identity from before the takeover
      const before = await testDataSource(db.ownerUrl);
      await new PgEventStore(before).append([{ streamId: 's-before', expectedVersion: 0, events: [testEvent(1)] }], metadata());
      await before.destroy();
      const storeId = (await owner.query<{ store_id: string }>('select store_id from store_identity')).rows[0]!.store_id;

      await assert.rejects(
        schemaCheckAsTheServices(db),
        /no typeorm_migrations table: the store was migrated by the runner before TypeORM, and the migration step records what it applied/,
      );

      // nothing can be run again: migration 001 would fail on its existing tables, 010 would add a second identity
      assert.deepEqual(await migrateWith(db.ownerUrl), { applied: [], takenOver: MIGRATION_NAMES });
      assert.deepEqual(await recorded(db), MIGRATION_NAMES);
      assert.deepEqual((await owner.query('select store_id from store_identity')).rows, [{ store_id: storeId }]);
      assert.deepEqual((await owner.query("select stream_position from events where stream_id = 's-before'")).rows, [{ stream_position: 1 }]);
      assert.equal((await owner.query(`select count(*)::int as n from ${LEGACY_MIGRATIONS_TABLE}`)).rows[0].n, MIGRATIONS.length, 'the old record is left as it was');

      const { rows } = await owner.query<{ select: boolean; insert: boolean }>(
        `select has_table_privilege('sacp_service', $1, 'SELECT') as select, has_table_privilege('sacp_service', $1, 'INSERT') as insert`,
        [MIGRATIONS_TABLE],
      );
      assert.deepEqual(rows[0], { select: true, insert: false }, 'the services read the new record, and may not write it');
      assert.deepEqual((await schemaCheckAsTheServices(db)).warnings, []);
      assert.deepEqual(await migrateWith(db.ownerUrl), { applied: [], takenOver: [] }, 'the takeover happens once');
    } finally {
      await owner.end();
    }
  });

  test('a store the previous runner left behind by some migrations: those it applied are recorded, the rest run', async () => {
    const db = await database();
    const owner = testPool(db.ownerUrl);
    try {
      const all = MIGRATIONS.map((M) => new M());
      await migrateAsTheLegacyRunner(owner, all.slice(0, 8));
      assert.deepEqual(await migrateWith(db.ownerUrl), { takenOver: MIGRATION_NAMES.slice(0, 8), applied: MIGRATION_NAMES.slice(8) });
      assert.deepEqual(await recorded(db), MIGRATION_NAMES);
      assert.deepEqual((await schemaCheckAsTheServices(db)).warnings, []);
    } finally {
      await owner.end();
    }
  });

  test('a migration that fails names itself and keeps the ones before it', async () => {
    const db = await database();
    const owner = testPool(db.ownerUrl);
    try {
      // a table in the way of migration 003
      await migrateAsTheLegacyRunner(
        owner,
        MIGRATIONS.slice(0, 2).map((M) => new M()),
      );
      await owner.query('create table secrets (name text)');
      await assert.rejects(migrateWith(db.ownerUrl), /migration Secrets1700000000003 \(003-secrets\) failed: relation "secrets" already exists/);
      assert.deepEqual(await recorded(db), MIGRATION_NAMES.slice(0, 2));
    } finally {
      await owner.end();
    }
  });
});
