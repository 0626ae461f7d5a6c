import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Pool } from 'pg';

/**
 * The roles the tests use, as `bash scripts/services.sh` makes them (scripts/postgres.sh;
 * `SACP_PG_TEST_ADMIN=1`, which scripts/test.sh sets, adds the test admin):
 *
 * - admin (`sacp_test_admin`: CREATEDB, member of the owner and of pg_signal_backend)
 *   creates and drops one database per test file, and is the tests' own view of it;
 * - owner (`sacp_owner`) owns that database and migrates it, as in production;
 * - service (`sacp_app`, member of `sacp_service`) is what the services connect as.
 *
 * Credentials come from $SACP_STATE_DIR/postgres/{test-admin,owner,app}.env (root only),
 * or from SACP_TEST_PG_URL, SACP_TEST_PG_OWNER_URL and SACP_TEST_PG_SERVICE_URL. The
 * admin URL picks the server: the owner's and the service's URLs are used with its
 * host and port, so SACP_TEST_PG_URL alone points the tests at another cluster (with
 * SACP_STATE_DIR naming that cluster's credentials when they differ).
 */
export interface TestRoles {
  adminUrl: string;
  ownerUrl: string;
  serviceUrl: string;
}

const STATE_DIR = process.env.SACP_STATE_DIR ?? '/var/lib/sacp';

function fromEnvFile(file: string, key: string): string | undefined {
  try {
    const line = readFileSync(join(STATE_DIR, 'postgres', file), 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${key}=`));
    return line?.slice(key.length + 1).trim() || undefined;
  } catch {
    return undefined;
  }
}

let roles: TestRoles | null = null;

export function testRoles(): TestRoles {
  if (roles) return roles;
  const adminUrl = process.env.SACP_TEST_PG_URL ?? fromEnvFile('test-admin.env', 'SACP_TEST_PG_URL');
  const ownerUrl = process.env.SACP_TEST_PG_OWNER_URL ?? fromEnvFile('owner.env', 'DATABASE_MIGRATION_URL');
  const serviceUrl = process.env.SACP_TEST_PG_SERVICE_URL ?? fromEnvFile('app.env', 'DATABASE_URL');
  const missing = [!adminUrl && 'the test admin', !ownerUrl && 'the owner', !serviceUrl && 'the services'].filter(Boolean);
  if (missing.length || !adminUrl || !ownerUrl || !serviceUrl)
    throw new Error(
      `no Postgres credentials for ${missing.join(', ')} in ${join(STATE_DIR, 'postgres')}: run \`SACP_PG_TEST_ADMIN=1 bash scripts/services.sh\` as root ` +
        '(bash scripts/test.sh does), or set SACP_TEST_PG_URL, SACP_TEST_PG_OWNER_URL and SACP_TEST_PG_SERVICE_URL',
    );
  roles = { adminUrl, ownerUrl: onServerOf(adminUrl, ownerUrl), serviceUrl: onServerOf(adminUrl, serviceUrl) };
  return roles;
}

/** `url`'s user and password on the admin URL's host and port. */
function onServerOf(adminUrl: string, url: string): string {
  const a = new URL(adminUrl);
  const u = new URL(url);
  u.hostname = a.hostname;
  u.port = a.port;
  return u.toString();
}

/** `url` pointing at `database` instead. */
export const withDatabase = (url: string, database: string): string => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

export interface TestDatabase {
  name: string;
  /** the services' role: what DATABASE_URL gets */
  url: string;
  /** the owner: what DATABASE_MIGRATION_URL gets, and who migrates in tests */
  ownerUrl: string;
  /** the test admin on this database: inherits the owner's rights and may end any service's connection */
  adminUrl: string;
  drop: () => Promise<void>;
}

/** A fresh database per test file, owned by the owner role (not migrated), dropped afterwards. */
export async function createTestDatabase(prefix = 'sacp_test'): Promise<TestDatabase> {
  const r = testRoles();
  const owner = new URL(r.ownerUrl).username;
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: r.adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} owner ${owner}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(r.serviceUrl, name),
    ownerUrl: withDatabase(r.ownerUrl, name),
    adminUrl: withDatabase(r.adminUrl, name),
    drop: async () => {
      const c = new Client({ connectionString: r.adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

export function testPool(url: string): Pool {
  const pool = new Pool({ connectionString: url, max: 20 });
  pool.on('error', () => undefined);
  return pool;
}
