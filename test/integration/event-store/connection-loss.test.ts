import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { StoreUnavailableError, type PgEventStore } from '@sacp/event-store';
import { testPool } from '../../support/postgres';
import { metadata, testEvent, testEventStore } from '../../support/event-store';
import { waitFor } from '../../support/ports';

/** The backend running `like`, ended as an administrator would. */
async function terminate(admin: Pool, like: string): Promise<void> {
  const pid = await waitFor(`a backend running ${like}`, async () => {
    const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and query like $1 and pid <> pg_backend_pid()', [
      like,
    ]);
    return rows[0]?.pid;
  });
  await admin.query('select pg_terminate_backend($1)', [pid]);
}

describe('a connection lost mid-append (real Postgres)', () => {
  let store: PgEventStore;
  let admin: Pool;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const es = await testEventStore();
    ({ store, close } = es);
    admin = testPool(es.adminUrl);
  });
  afterAll(async () => {
    await admin.end();
    await close();
  });

  const cmd = () => ({ commandId: randomUUID(), commandType: 'test.do', buildReply: () => ({ ok: true }) });

  /** The retry with the same command id succeeds once, on connections that all work: the lost one never went back to the pool. */
  const retried = async (s: string, command: ReturnType<typeof cmd>) => {
    assert.equal(await store.streamVersion(s), 0, 'nothing half done');
    assert.equal((await store.append([{ streamId: s, expectedVersion: 0, events: [testEvent(1)] }], metadata(), command)).duplicate, false);
    assert.equal((await store.append([{ streamId: s, expectedVersion: 0, events: [testEvent(1)] }], metadata(), command)).duplicate, true);
  };

  test('a one-statement append: nothing is recorded, the store says so, and the retry with the same command id succeeds once', async () => {
    const s = `lost-${randomUUID()}`;
    const command = cmd();
    // the append waits on the stream's row, which a writer that never commits holds
    const blocker = await admin.connect();
    try {
      await blocker.query('begin');
      await blocker.query('insert into streams (stream_id, version) values ($1, 1)', [s]);
      const append = store.append([{ streamId: s, expectedVersion: 0, events: [testEvent(1)] }], metadata(), command);
      await terminate(admin, '%sacp_append%');
      await assert.rejects(append, (err: unknown) => err instanceof StoreUnavailableError && /nothing was recorded, retry with the same command id/.test(err.message));
    } finally {
      await blocker.query('rollback').catch(() => undefined);
      blocker.release();
    }
    await retried(s, command);
  });

  test('an append with more work in its transaction: the same', async () => {
    const s = `lost-tx-${randomUUID()}`;
    const command = cmd();
    const append = store.append([{ streamId: s, expectedVersion: 0, events: [testEvent(1)] }], metadata(), command, async (tx) => {
      await tx.query('select pg_sleep(30) -- lost-in-transaction');
    });
    await terminate(admin, '%lost-in-transaction%');
    await assert.rejects(append, StoreUnavailableError);
    await retried(s, command);
  });
});
