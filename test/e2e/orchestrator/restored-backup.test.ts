import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Pool } from 'pg';
import { TestControlPlane } from '../../support/control-plane';
import { createTestDatabase, testPool } from '../../support/postgres';
import { waitFor } from '../../support/ports';

const sh = (command: string) => promisify(execFile)('sh', ['-c', command]);

/**
 * A backup of the event store restored in place of the live one: the same store id,
 * an older history. Agents the backup knows keep their containers; a container made
 * after the backup was taken is quarantined (stopped, kept, alerted), not removed.
 */
describe('a restored backup of the event store (pg_dump, real orchestrators and Docker)', () => {
  const live = new TestControlPlane();
  let restored: TestControlPlane;
  let restoredDb: { url: string; ownerUrl: string; drop: () => Promise<void> };
  let restoredPool: Pool;
  const dir = mkdtempSync(join(tmpdir(), 'sacp-backup-'));

  beforeAll(async () => {
    await live.start();
  });
  afterAll(async () => {
    await restored?.stop();
    await restoredPool?.end().catch(() => undefined);
    await restoredDb?.drop().catch(() => undefined);
    await live.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('known agents keep their containers; a container made after the backup is quarantined, not removed', async () => {
    const kept = await live.deploy('sim', 'before-backup');
    const keptView = await live.waitForAgent(kept, (a) => a.state.observed === 'running', 'running');
    const backup = join(dir, 'store.sql');
    // as an operator backs up: the owner dumps it, with the grants the services' role needs
    await sh(`pg_dump --no-owner '${live.migrationUrl}' > '${backup}'`);

    const later = await live.deploy('sim', 'after-backup');
    const laterView = await live.waitForAgent(later, (a) => a.state.observed === 'running', 'running');
    const storeId = await live.storeId();
    for (const o of live.orchestrators) await o.kill('SIGTERM');

    // the restore: a new database from the dump, and an orchestrator on it under the same instance name
    restoredDb = await createTestDatabase();
    await sh(`psql -q -v ON_ERROR_STOP=1 '${restoredDb.ownerUrl}' -f '${backup}' > /dev/null`);
    restoredPool = testPool(restoredDb.url);
    restored = new TestControlPlane({ instance: live.instance, env: { DATABASE_URL: restoredDb.url } });
    await restored.start();
    const { rows } = await restoredPool.query<{ store_id: string }>('select store_id from store_identity');
    assert.equal(rows[0]!.store_id, storeId, 'a restored backup is the same store');

    const quarantined = await waitFor(
      'the container made after the backup to be quarantined',
      async () => {
        const c = await live.docker.inspect(laterView.containerId!);
        return c && !c.running && c.name.startsWith('sacp-quarantined-') ? c : null;
      },
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${restored.orchestrators[0]!.logs.slice(-4000)}`);
    });
    assert.equal(quarantined.id, laterView.containerId, 'kept, not removed');
    // the quarantine is recorded just after Docker renamed the container, and the alert after that
    const recorded = await waitFor('the quarantine and its alert to be recorded', async () => {
      const { rows } = await restoredPool.query<{ data: { containerId: string; agentId: string } }>("select data from events where type = 'container.quarantined'");
      const { rows: alerts } = await restoredPool.query("select 1 from events where type = 'alert.raised' and data->>'cause' = 'container_quarantined'");
      return rows.length && alerts.length ? { rows, alerts: alerts.length } : null;
    });
    assert.deepEqual(
      recorded.rows.map((r) => [r.data.containerId, r.data.agentId]),
      [[laterView.containerId, later]],
    );
    assert.equal(recorded.alerts, 1, 'alerted once');

    // the agent the backup knows is still there, running, in its container
    const before = await live.docker.inspect(keptView.containerId!);
    assert.ok(before?.running, 'the known agent keeps running');
    const [view] = await restored.status('before-backup');
    assert.equal(view?.containerId, keptView.containerId);
  });
});
