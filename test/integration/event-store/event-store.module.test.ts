import { describe, test, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AgentRegistryEntity, EventStore, PgEventStore, Projector, SchemaNotMigratedError } from '@sacp/event-store';
import { DatabaseModule, EventStoreModule } from '@sacp/event-store/nest';
import { Metrics } from '@sacp/platform';
import { DATABASE_READINESS } from '@sacp/platform/nest';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { metadata, testEvent } from '../../support/event-store';

/** The Nest modules as a service wires them (@nestjs/testing, no process spawned). */
describe('EventStoreModule and DatabaseModule (real Postgres)', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases) await db.drop().catch(() => undefined);
  });
  const database = async () => {
    const db = await createTestDatabase();
    databases.push(db);
    return db;
  };

  test('forRootAsync migrates with the owner, then provides the DataSource as the services, the EventStore port, repositories and the projector', async () => {
    const db = await database();
    const moduleRef = await Test.createTestingModule({
      imports: [EventStoreModule.forRootAsync({ useFactory: () => ({ url: db.url, migrationUrl: db.ownerUrl, poolSize: 2 }) })],
    }).compile();
    const app = await moduleRef.init();
    try {
      const dataSource = app.get(DataSource);
      assert.ok(dataSource.isInitialized);
      assert.deepEqual(await dataSource.query('select current_user as u'), [{ u: new URL(db.url).username }], "the DataSource is the services' role, not the owner");
      const store = app.get(EventStore);
      assert.ok(store instanceof PgEventStore);
      assert.equal(app.get(PgEventStore), store, 'one store behind the port');
      await store.append([{ streamId: 's-module', expectedVersion: 0, events: [testEvent(1)] }], metadata());
      assert.ok(app.get<Repository<AgentRegistryEntity>>(getRepositoryToken(AgentRegistryEntity)) instanceof Repository);

      await app.get(Projector).catchUp();
      const lag = (await Metrics.projectorLagEvents.get()).values.map((v) => [v.labels.projection, v.value]).sort();
      assert.deepEqual(lag, [
        ['agent_registry', 0],
        ['alerts', 0],
        ['tasks', 0],
        ['team_registry', 0],
        ['template_registry', 0],
      ]);
      const ready = app.get<() => Promise<unknown>>(DATABASE_READINESS);
      await ready();
    } finally {
      await app.close();
    }
    assert.equal(moduleRef.get(DataSource).isInitialized, false, 'closed with the application');
  });

  test('a service on an unmigrated store does not start, and says what to run', async () => {
    const db = await database();
    await assert.rejects(
      Test.createTestingModule({ imports: [EventStoreModule.forRootAsync({ useFactory: () => ({ url: db.url, poolSize: 1 }) })] }).compile(),
      (err: unknown) => err instanceof SchemaNotMigratedError && /node dist\/apps\/orchestrator\/migrate\.js/.test(err.message),
    );
  });

  test('connecting in the background: the service starts without Postgres, and its readiness says why it is not ready', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DatabaseModule.forRootAsync({ useFactory: () => ({ url: 'postgres://nobody:x@127.0.0.1:1/none', poolSize: 1, connect: 'in-background' }) })],
    }).compile();
    const app = await moduleRef.init();
    try {
      const ready = app.get<() => Promise<unknown>>(DATABASE_READINESS);
      await assert.rejects(ready(), /not connected yet/);
      assert.equal(app.get(DataSource).isInitialized, false);
    } finally {
      await app.close();
    }
  });
});
