import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { SecretStore } from '../../../apps/orchestrator/src/secrets/secret-store';
import type { DataSource } from 'typeorm';
import {
  CommandAudit,
  LeaderLock,
  SERVICE_ROLE,
  SecretRepository,
  checkSchema,
  START,
  type PgEventStore,
  Projector,
  agentRegistryProjection,
  templateRegistryProjection,
  alertsProjection,
  teamRegistryProjection,
} from '@sacp/event-store';
import { metadata, testDataSource, testEvent, testEventStore } from '../../support/event-store';
import { waitFor } from '../../support/ports';
import { REPO_ROOT } from '../../support/service-process';

/**
 * What the services' role (DATABASE_URL) holds on each table, and nothing more: exactly
 * what the code does. A table added by a migration must be listed here, with the grants
 * its migration gives `sacp_service`; a column-level grant is written PRIVILEGE(column,...).
 */
const SERVICE_ACCESS: Record<string, string[]> = {
  events: ['SELECT', 'INSERT(data,event_id,metadata,schema_version,stream_id,stream_position,type)'],
  command_audit: ['SELECT', 'INSERT'],
  streams: ['SELECT', 'INSERT', 'UPDATE(version)'],
  commands: ['SELECT', 'INSERT', 'UPDATE(command_id)'],
  checkpoints: ['SELECT', 'INSERT', 'UPDATE'],
  agent_registry: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  template_registry: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  alerts: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  team_registry: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  tasks: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  secrets: ['SELECT', 'INSERT', 'UPDATE'],
  secret_grants: ['SELECT', 'INSERT', 'DELETE'],
  store_identity: ['SELECT'],
  user_credentials: ['SELECT', 'INSERT', 'UPDATE(password_hash,role,updated_at)', 'DELETE'],
  api_sessions: ['SELECT', 'INSERT', 'UPDATE(last_seen_at)', 'DELETE'],
  api_tokens: ['SELECT', 'INSERT', 'UPDATE(last_used_at,revoked_at)'],
  agent_log_lines: ['SELECT', 'INSERT', 'DELETE'],
  agent_log_cursors: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  agent_log_volume: ['SELECT'],
  typeorm_migrations: ['SELECT'],
};
const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];
const COLUMN_PRIVILEGES = new Set(['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']);

const example = (type: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'libs/events/examples', `event.${type}.v1.json`), 'utf8')) as Record<string, unknown>;

describe('the database enforces its own rules on the services (real Postgres, the roles scripts/services.sh makes)', () => {
  let pool: Pool;
  let ownerPool: Pool;
  let dataSource: DataSource;
  let store: PgEventStore;
  let url: string;
  let ownerUrl: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ pool, ownerPool, dataSource, store, url, ownerUrl, close } = await testEventStore());
    await store.append([{ streamId: 's-history', expectedVersion: 0, events: [testEvent(1), testEvent(2)] }], metadata());
    await new CommandAudit(dataSource).record({ commandId: 'c-1', commandType: 'agent.stop', actor: null, source: 'test', outcome: 'accepted' });
  });
  afterAll(async () => close());

  test('the services connect as a login role of the sacp_service group that is not a superuser and owns nothing', async () => {
    const { rows } = await pool.query(
      `select rolname, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
              pg_has_role(current_user, $1, 'MEMBER') as in_group,
              pg_has_role(current_user, (select tableowner from pg_tables where tablename = 'events' and schemaname = 'public'), 'MEMBER') as owner
         from pg_roles where rolname = current_user`,
      [SERVICE_ROLE],
    );
    const me = rows[0];
    assert.deepEqual(
      {
        super: me.rolsuper,
        createrole: me.rolcreaterole,
        createdb: me.rolcreatedb,
        replication: me.rolreplication,
        bypassrls: me.rolbypassrls,
        inGroup: me.in_group,
        owner: me.owner,
      },
      { super: false, createrole: false, createdb: false, replication: false, bypassrls: false, inGroup: true, owner: false },
    );
    assert.deepEqual((await checkSchema(dataSource)).warnings, [], 'the schema check sees a migrated store and a role the rules bind');
    const asOwner = await testDataSource(ownerUrl);
    try {
      assert.match((await checkSchema(asOwner)).warnings.join('\n'), /connects as sacp_owner, which owns the events table/, 'a service given the owner is warned about');
    } finally {
      await asOwner.destroy();
    }
  });

  const refusals: { table: string; sql: string; error: RegExp }[] = [];
  for (const [table, triggers] of [
    ['events', ['events_append_only', 'events_no_truncate']],
    ['command_audit', ['command_audit_append_only', 'command_audit_no_truncate']],
  ] as const) {
    refusals.push(
      { table, sql: `update ${table} set recorded_at = now()`, error: new RegExp(`permission denied for table ${table}`) },
      { table, sql: `delete from ${table}`, error: new RegExp(`permission denied for table ${table}`) },
      { table, sql: `truncate ${table}`, error: new RegExp(`permission denied for table ${table}`) },
      { table, sql: `alter table ${table} disable trigger all`, error: new RegExp(`must be owner of table ${table}`) },
      { table, sql: `alter table ${table} owner to current_user`, error: new RegExp(`must be owner of table ${table}`) },
      { table, sql: `drop table ${table}`, error: new RegExp(`must be owner of table ${table}`) },
      ...triggers.flatMap((t) => [
        { table, sql: `alter table ${table} disable trigger ${t}`, error: new RegExp(`must be owner of table ${table}`) },
        { table, sql: `drop trigger ${t} on ${table}`, error: new RegExp(`must be owner of (table|relation) ${table}`) },
      ]),
    );
  }
  refusals.push(
    {
      table: 'events',
      sql: `insert into events (stream_id, stream_position, event_id, type, schema_version, data, metadata, transaction_id) values ('s-forged', 1, gen_random_uuid(), 'test.happened', 1, '{}', '{}', '1')`,
      error: /permission denied for table events/,
    },
    {
      table: 'events',
      sql: `insert into events (stream_id, stream_position, event_id, type, schema_version, data, metadata, recorded_at) values ('s-forged', 1, gen_random_uuid(), 'test.happened', 1, '{}', '{}', now() - interval '1 year')`,
      error: /permission denied for table events/,
    },
    { table: 'events', sql: `set session_replication_role = replica`, error: /permission denied to set parameter/ },
    { table: 'events', sql: 'drop function sacp_refuse_change() cascade', error: /must be owner of function sacp_refuse_change/ },
    { table: 'commands', sql: `update commands set reply = '{}'`, error: /permission denied for table commands/ },
    { table: 'commands', sql: 'delete from commands', error: /permission denied for table commands/ },
    { table: 'streams', sql: 'delete from streams', error: /permission denied for table streams/ },
    { table: '-', sql: 'create table mine (a int)', error: /permission denied for schema public/ },
    { table: '-', sql: 'create temporary table mine (a int)', error: /permission denied to create temporary tables/ },
    { table: '-', sql: `create role sneaky login password 'x'`, error: /permission denied to create role/ },
  );
  for (const r of refusals)
    test(`the services' role is refused: ${r.sql}`, async () => {
      await assert.rejects(pool.query(r.sql), (err: Error & { code?: string }) => {
        assert.match(err.message, r.error);
        assert.equal(err.code, '42501', `insufficient_privilege, got ${err.code}: ${err.message}`);
        return true;
      });
    });

  test('after every refusal the history and its triggers are as they were', async () => {
    assert.deepEqual(
      (await store.readStream('s-history')).map((e) => (e.data as { n: number }).n),
      [1, 2],
    );
    const { rows } = await ownerPool.query<{ n: number }>("select count(*)::int as n from command_audit where command_id = 'c-1'");
    assert.equal(rows[0]!.n, 1);
    const { rows: triggers } = await ownerPool.query<{ tgname: string; tgenabled: string }>(
      "select tgname, tgenabled from pg_trigger where tgrelid in ('events'::regclass, 'command_audit'::regclass, 'commands'::regclass) and not tgisinternal order by tgname",
    );
    assert.deepEqual(
      triggers.map((t) => `${t.tgname}:${t.tgenabled}`),
      ['command_audit_append_only:O', 'command_audit_no_truncate:O', 'commands_no_delete:O', 'commands_write_once:O', 'events_append_only:O', 'events_no_truncate:O'],
    );
  });

  test('every table is covered: the services hold exactly the privileges their code uses', async () => {
    const { rows: tables } = await ownerPool.query<{ name: string }>("select tablename as name from pg_tables where schemaname = 'public' order by 1");
    const unlisted = tables.map((t) => t.name).filter((t) => !(t in SERVICE_ACCESS));
    assert.deepEqual(unlisted, [], 'a table without declared service access: list it in SERVICE_ACCESS and grant it to sacp_service in its migration');
    assert.deepEqual(
      Object.keys(SERVICE_ACCESS).filter((t) => !tables.some((x) => x.name === t)),
      [],
      'SERVICE_ACCESS names a table that does not exist',
    );
    const { rows: me } = await pool.query<{ u: string }>('select current_user as u');
    const user = me[0]!.u;
    for (const { name } of tables) {
      const held: string[] = [];
      for (const p of TABLE_PRIVILEGES) {
        const { rows } = await ownerPool.query<{ whole: boolean; cols: string[] | null }>(
          `select has_table_privilege($1, $2, $3) as whole,
                  case when $4 then (select array_agg(attname::text order by attname) from pg_attribute
                    where attrelid = $2::regclass and attnum > 0 and not attisdropped and has_column_privilege($1, $2, attname, $3)) end as cols`,
          [user, name, p, COLUMN_PRIVILEGES.has(p)],
        );
        if (rows[0]!.whole) held.push(p);
        else if (rows[0]!.cols?.length) held.push(`${p}(${rows[0]!.cols.join(',')})`);
      }
      assert.deepEqual(held, SERVICE_ACCESS[name], `privileges of the services' role on ${name}`);
    }
    const { rows: sequences } = await ownerPool.query<{ name: string; usage: boolean; update: boolean }>(
      "select c.relname as name, has_sequence_privilege($1, c.oid, 'USAGE') as usage, has_sequence_privilege($1, c.oid, 'UPDATE') as update from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'S' and n.nspname = 'public'",
      [user],
    );
    for (const s of sequences) assert.deepEqual({ name: s.name, usage: s.usage, update: s.update }, { name: s.name, usage: true, update: false });
  });

  test('what the services do works as their role: append, read, idempotency, audit, projections and rebuild, checkpoints, secrets, leader lock', async () => {
    // append and read, with a command record and its duplicate
    const agentId = example('agent.deployed').agentId as string;
    const cmd = { commandId: 'deploy-1', commandType: 'agent.deploy', buildReply: () => ({ ok: true }) };
    const first = await store.append(
      [
        { streamId: `agent-${agentId}`, expectedVersion: 0, events: [{ type: 'agent.deployed', schemaVersion: 1, data: example('agent.deployed') }] },
        { streamId: 'template-grok4', expectedVersion: 0, events: [{ type: 'template.version_registered', schemaVersion: 1, data: example('template.version_registered') }] },
      ],
      metadata({ commandId: 'deploy-1' }),
      cmd,
    );
    assert.equal(first.duplicate, false);
    assert.equal((await store.append([{ streamId: `agent-${agentId}`, expectedVersion: 1, events: [testEvent(9)] }], metadata(), cmd)).duplicate, true);
    assert.equal((await store.readStream(`agent-${agentId}`)).length, 1);
    // readers see a commit once no older transaction runs anywhere on the server (other test files may hold one)
    await waitFor('the appends to be readable in commit order', async () => (await store.readAll(START, 100)).length >= 4);
    assert.deepEqual(await store.findCommand('deploy-1'), {
      outcome: 'accepted',
      reply: { ok: true },
      commandType: 'agent.deploy',
      payloadHash: null,
      actorKind: null,
      recordedAt: (await store.findCommand('deploy-1'))?.recordedAt,
    });

    // the audit and a rejection recorded once, replayed for its duplicate
    const audit = new CommandAudit(dataSource);
    const stopBinding = { commandType: 'agent.stop', payloadHash: 'h1', actorKind: 'cli' };
    await audit.record({ commandId: 'stop-1', commandType: 'agent.stop', actor: null, source: 'test', outcome: 'rejected', errorCode: 'AGENT.NOT_FOUND' });
    assert.deepEqual(await store.recordRejection('stop-1', stopBinding, { ok: false, n: 1 }), { first: true, reply: { ok: false, n: 1 } });
    assert.deepEqual(await store.recordRejection('stop-1', stopBinding, { ok: false, n: 2 }), { first: false, reply: { ok: false, n: 1 } });

    // the projector's batches, its rebuild (which empties the read models) and its checkpoint
    const projector = new Projector(store, [agentRegistryProjection, templateRegistryProjection, alertsProjection, teamRegistryProjection]);
    assert.ok((await projector.catchUp()) >= 4);
    await store.append([{ streamId: 'alerts', expectedVersion: 0, events: [{ type: 'alert.raised', schemaVersion: 1, data: example('alert.raised') }] }], metadata());
    await waitFor('the alert to be projected', async () => (await projector.catchUp()) === 1);
    const registry = async () => (await pool.query('select agent_id, name, last_alert is not null as alerted from agent_registry')).rows;
    assert.deepEqual(await registry(), [{ agent_id: agentId, name: 'coder-1', alerted: true }]);
    assert.deepEqual((await pool.query('select name, version from template_registry')).rows, [{ name: 'grok4', version: 2 }]);
    await store.append([{ streamId: 'team-coding', expectedVersion: 0, events: [{ type: 'team.created', schemaVersion: 1, data: example('team.created') }] }], metadata());
    await waitFor('the team to be projected', async () => (await projector.catchUp()) === 1);
    assert.deepEqual((await pool.query('select name, live from team_registry')).rows, [{ name: 'coding', live: true }]);
    await projector.rebuild();
    await projector.rebuild();
    assert.deepEqual(
      (await registry()).map((r) => r.name),
      ['coder-1'],
    );
    assert.deepEqual((await pool.query('select name, version from template_registry')).rows, [{ name: 'grok4', version: 2 }]);
    assert.notDeepEqual(await store.readCheckpoint('projections'), START);

    // secrets: set twice (an upsert), resolved for a template
    const secrets = new SecretStore(new SecretRepository(dataSource), randomBytes(32).toString('base64'));
    await secrets.put(undefined, 'api-key', 'v1');
    assert.equal(await dataSource.transaction((tx) => secrets.put(tx, 'api-key', 'v2')), 2);
    await secrets.grant(undefined, 'api-key', ['grok4']);
    assert.deepEqual(await secrets.resolveFor({ name: 'grok4', env: { KEY: { secretRef: 'api-key' } } } as never), { 'api-key': 'v2' });

    // the leader lock (a session advisory lock) on the same role
    let elected!: () => void;
    const electedNow = new Promise<void>((r) => (elected = r));
    const lock = new LeaderLock({ connection: { connectionString: url }, name: 'roles-test', onElected: () => elected(), onLost: () => undefined });
    lock.start();
    await electedNow;
    await lock.stop();
  });
});
