import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';

/** The server the tests use; `bash scripts/services.sh` creates this role. */
export const PG_ADMIN_URL = process.env.SACP_TEST_PG_URL ?? 'postgres://sacp:sacp@127.0.0.1:5432/postgres';

/** A fresh database per test file, dropped afterwards. */
export async function createTestDatabase(prefix = 'sacp_test'): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    name,
    url,
    drop: async () => {
      const c = new Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export function testPool(url: string): Pool {
  const pool = new Pool({ connectionString: url, max: 20 });
  pool.on('error', () => undefined);
  return pool;
}
