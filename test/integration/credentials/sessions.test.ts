import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { CredentialRepository, hashPassword, inTransaction, SessionRepository } from '@sacp/event-store';
import { testEventStore } from '../../support/event-store';

describe('dashboard sessions: migration 012 and the repository (real Postgres, as the services role)', () => {
  let dataSource: DataSource;
  let ownerPool: Pool;
  let close: () => Promise<void>;
  let sessions: SessionRepository;
  let users: CredentialRepository;
  beforeAll(async () => {
    ({ dataSource, ownerPool, close } = await testEventStore());
    sessions = new SessionRepository(dataSource);
    users = new CredentialRepository(dataSource);
    const passwordHash = await hashPassword('a-long-enough-password');
    await inTransaction(dataSource, (tx) => users.addUser(tx, { userId: 'u-1', name: 'alice', role: 'operator', passwordHash }));
  });
  afterAll(async () => close());

  test('a session is found by its id with the user as they are now; the table keeps only its SHA-256', async () => {
    const s = await sessions.create('u-1', 60_000);
    assert.match(s.sessionId, /^[A-Za-z0-9_-]{43}$/);
    const found = await sessions.find(s.sessionId);
    assert.deepEqual({ ...found!, expiresAt: null }, { userId: 'u-1', name: 'alice', role: 'operator', csrfToken: s.csrfToken, expiresAt: null });
    await inTransaction(dataSource, (tx) => users.setRole(tx, 'alice', 'viewer'));
    assert.equal((await sessions.find(s.sessionId))!.role, 'viewer', 'a role change applies to an open session');
    const { rows } = await ownerPool.query<{ session_hash: Buffer }>('select session_hash from api_sessions');
    assert.ok(rows.some((r) => r.session_hash.equals(createHash('sha256').update(s.sessionId).digest())));
    assert.ok(!JSON.stringify(rows).includes(s.sessionId));
    assert.equal(await sessions.find('not-a-session-id'), null);
    assert.equal(await sessions.find('A'.repeat(43)), null);
  });

  test('an expired session is not found and the sweep deletes it; a password change ends every session of the user', async () => {
    const old = await sessions.create('u-1', 60_000);
    const live = await sessions.create('u-1', 60_000);
    await ownerPool.query("update api_sessions set expires_at = now() - interval '1 second' where session_hash = $1", [createHash('sha256').update(old.sessionId).digest()]);
    assert.equal(await sessions.find(old.sessionId), null);
    assert.equal(await sessions.deleteExpired(), 1);
    assert.ok(await sessions.find(live.sessionId));
    await inTransaction(dataSource, (tx) => users.setPassword(tx, 'u-1', '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$c29tZWhhc2g'));
    assert.equal(await sessions.find(live.sessionId), null);
  });

  test('removing the user ends their sessions', async () => {
    const s = await sessions.create('u-1', 60_000);
    await inTransaction(dataSource, (tx) => users.removeUser(tx, 'alice'));
    assert.equal(await sessions.find(s.sessionId), null);
    const { rows } = await ownerPool.query('select count(*)::int as n from api_sessions');
    assert.equal(rows[0].n, 0);
  });
});
