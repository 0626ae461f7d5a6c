import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Pool } from 'pg';
import { MIGRATIONS, MIGRATION_NAMES, PgEventStore } from '@sacp/event-store';
import { migrateWith } from '@sacp/event-store/nest';
import { createTestDatabase, testPool } from '../../support/postgres';
import { metadata, testDataSource } from '../../support/event-store';
import { migrateAsTheLegacyRunner } from '../../support/legacy-migrations';

/**
 * Secrets stored before grants existed keep working for the templates that already
 * refer to them, and for no other: migration 009 grants each one to the templates
 * whose registered versions name it in a secretRef.
 */
describe('migration 009: secret grants for secrets stored before grants existed', () => {
  let pool: Pool;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    // the migrations run as the owner, as in production; the runner before TypeORM had applied all but 009
    pool = testPool(db.ownerUrl);
    await migrateAsTheLegacyRunner(
      pool,
      MIGRATIONS.map((M) => new M()).filter((m) => m.legacyId !== '009-secret-grants'),
    );
    const ownerDataSource = await testDataSource(db.ownerUrl);
    const store = new PgEventStore(ownerDataSource);
    const registered = (name: string, version: number, env: Record<string, unknown>) => ({
      streamId: `template-${name}`,
      expectedVersion: version - 1,
      events: [
        { type: 'template.version_registered', schemaVersion: 1, data: { name, version, hash: `h${version}`, file: `agents/${name}.json`, definition: { name, image: 'i', env } } },
      ],
    });
    await store.append([registered('grok4', 1, { XAI_API_KEY: { secretRef: 'xai-api-key' }, MODEL: 'grok-4' })], metadata());
    await store.append([registered('grok4', 2, { XAI_API_KEY: { secretRef: 'xai-api-key' } })], metadata());
    await store.append([registered('manager', 1, { MODEL: 'xai-api-key' })], metadata());
    await store.append([registered('both', 1, { A: { secretRef: 'xai-api-key' }, B: { secretRef: 'other-key' } })], metadata());
    for (const name of ['xai-api-key', 'other-key', 'unused-key'])
      await pool.query("insert into secrets (name, version, iv, tag, ciphertext) values ($1, 1, '\\x00', '\\x00', '\\x00')", [name]);
    await ownerDataSource.destroy();
    const report = await migrateWith(db.ownerUrl);
    assert.deepEqual(report, { takenOver: MIGRATION_NAMES.filter((n) => n !== 'SecretGrants1700000000009'), applied: ['SecretGrants1700000000009'] });
  });

  afterAll(async () => {
    await pool.end();
    await drop();
  });

  test('each stored secret is granted to exactly the templates that referred to it', async () => {
    const { rows } = await pool.query('select secret_name, template_name from secret_grants order by 1, 2');
    assert.deepEqual(rows, [
      { secret_name: 'other-key', template_name: 'both' },
      { secret_name: 'xai-api-key', template_name: 'both' },
      { secret_name: 'xai-api-key', template_name: 'grok4' },
    ]);
  });
});
