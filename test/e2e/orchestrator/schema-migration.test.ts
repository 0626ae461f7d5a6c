import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { MIGRATIONS } from '@sacp/event-store';
import { TestControlPlane } from '../../support/control-plane';
import { REPO_ROOT } from '../../support/service-process';

/** `node dist/apps/orchestrator/migrate.js` with only DATABASE_MIGRATION_URL, as scripts/up.sh runs it. */
function runMigrate(url: string): Promise<{ code: number | null; output: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [resolve(REPO_ROOT, 'dist/apps/orchestrator/migrate.js')], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', DATABASE_MIGRATION_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    p.stdout.on('data', (d: Buffer) => (output += d.toString()));
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    p.on('exit', (code) => res({ code, output }));
  });
}

describe('migrations run as the owner; the services run as their role (real processes, real Postgres)', () => {
  const cp = new TestControlPlane({ orchestrators: 0, migrate: false });
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => cp.stop());

  const applied = async () => (await cp.pool.query<{ id: string }>('select id from schema_migrations order by id').catch(() => ({ rows: [] }))).rows.map((r) => r.id);

  test('on an unmigrated database the orchestrator refuses to start and says how to migrate', async () => {
    const o = await cp.addOrchestrator({ waitReady: false });
    assert.equal(await o.exited(), 1);
    assert.match(o.logs, /the event store's schema is not migrated \(no schema_migrations table\)/);
    assert.match(o.logs, /node dist\/apps\/orchestrator\/migrate\.js/);
    assert.match(o.logs, /DATABASE_MIGRATION_URL/);
  });

  test("the migration step as the services' role is refused and changes nothing", async () => {
    const r = await runMigrate(cp.databaseUrl);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /migration failed/);
    assert.match(r.output, /permission denied for schema public/);
    assert.doesNotMatch(r.output, new RegExp(new URL(cp.databaseUrl).password), 'the password is never logged');
    assert.deepEqual(await applied(), []);
  });

  test("given DATABASE_MIGRATION_URL the orchestrator migrates at start, then holds connections only as the services' role", async () => {
    const o = await cp.addOrchestrator({ env: { DATABASE_MIGRATION_URL: cp.migrationUrl } });
    assert.deepEqual(await applied(), MIGRATIONS.map((m) => m.id).sort());
    assert.match(o.logs, /migrated the event store/);
    const { rows } = await cp.pool.query<{ usename: string }>('select distinct usename from pg_stat_activity where datname = current_database() and usename <> current_user');
    assert.deepEqual(
      rows.map((r) => r.usename),
      [new URL(cp.databaseUrl).username],
    );
    assert.doesNotMatch(o.logs, /superuser|owns the events table/, 'no warning about the connecting role');
    await cp.deploy('sim', 'after-migration');
  });

  test('the migration step as the owner finds the schema up to date', async () => {
    const r = await runMigrate(cp.migrationUrl);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /the event store is up to date/);
  });

  test('the migration step without its URL names the key', async () => {
    const r = await runMigrate('');
    assert.equal(r.code, 78);
    assert.match(r.output, /DATABASE_MIGRATION_URL is not set/);
  });
});
