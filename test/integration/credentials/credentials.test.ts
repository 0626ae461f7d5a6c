import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { CredentialRepository, CredentialVerifier, hashPassword, inTransaction, newApiToken } from '@sacp/event-store';
import { testEventStore } from '../../support/event-store';

const PASSWORD = 'a-long-enough-password-1';

describe('credentials: migration 011, the repository and the verifier (real Postgres, as the services role)', () => {
  let dataSource: DataSource;
  let pool: Pool;
  let ownerPool: Pool;
  let close: () => Promise<void>;
  let repo: CredentialRepository;
  let verifier: CredentialVerifier;
  beforeAll(async () => {
    ({ dataSource, pool, ownerPool, close } = await testEventStore());
    repo = new CredentialRepository(dataSource);
    verifier = new CredentialVerifier(repo);
  });
  afterAll(async () => close());

  test('a password is stored as an argon2id hash and verified; a wrong password and an unknown user fail alike', async () => {
    const passwordHash = await hashPassword(PASSWORD);
    assert.match(passwordHash, /^\$argon2id\$/);
    await inTransaction(dataSource, (tx) => repo.addUser(tx, { userId: 'u-1', name: 'alice', role: 'admin', passwordHash }));
    const ok = await verifier.verifyPassword('alice', PASSWORD);
    assert.deepEqual(ok, { ok: true, principal: { kind: 'user', userId: 'u-1', name: 'alice', role: 'admin' } });
    assert.deepEqual(await verifier.verifyPassword('alice', 'wrong-password-here'), { ok: false, refusal: 'wrong_password' });
    // an unknown user costs an argon2 verify too, so timing does not tell which names exist
    const t0 = process.hrtime.bigint();
    assert.deepEqual(await verifier.verifyPassword('nobody', PASSWORD), { ok: false, refusal: 'unknown' });
    const unknownMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const t1 = process.hrtime.bigint();
    await verifier.verifyPassword('alice', 'wrong-password-here');
    const knownMs = Number(process.hrtime.bigint() - t1) / 1e6;
    assert.ok(unknownMs > knownMs / 4, `an unknown user took ${unknownMs} ms, a known one ${knownMs} ms`);
    const { rows } = await pool.query('select password_hash from user_credentials where name = $1', ['alice']);
    assert.notEqual(rows[0].password_hash, PASSWORD);
    // the services may set a new hash (user.set_password), never anything but an argon2id one
    await assert.rejects(pool.query("update user_credentials set password_hash = 'plain-text' where name = 'alice'"), /check constraint/);
  });

  test('a role change and a removal reach the table', async () => {
    await inTransaction(dataSource, (tx) => repo.addUser(tx, { userId: 'u-2', name: 'bob', role: 'viewer', passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$x$y' }));
    await inTransaction(dataSource, (tx) => repo.setRole(tx, 'bob', 'operator'));
    assert.deepEqual(
      (await repo.listUsers()).map((u) => [u.name, u.role]),
      [
        ['alice', 'admin'],
        ['bob', 'operator'],
      ],
    );
    assert.ok(!('passwordHash' in (await repo.listUsers())[0]!), 'a listed user carries no hash');
    await inTransaction(dataSource, (tx) => repo.removeUser(tx, 'bob'));
    assert.deepEqual((await verifier.verifyPassword('bob', PASSWORD)).ok, false);
  });

  test('a token is found by its SHA-256 only; revoked, expired, malformed and unknown tokens fail', async () => {
    const live = newApiToken();
    assert.match(live.token, /^sacp_[A-Za-z0-9_-]{43}$/);
    const expired = newApiToken();
    await inTransaction(dataSource, async (tx) => {
      await repo.addToken(tx, { tokenId: 't-live', tokenHash: live.hash, name: 'ci', role: 'operator', userName: 'alice', expiresAt: new Date(Date.now() + 3_600_000) });
      await repo.addToken(tx, { tokenId: 't-old', tokenHash: expired.hash, name: 'old', role: 'viewer', userName: null, expiresAt: new Date(Date.now() - 1000) });
    });
    const { rows } = await ownerPool.query<{ h: string }>("select encode(token_hash, 'hex') as h from api_tokens where token_id = 't-live'");
    assert.equal(rows[0]!.h, createHash('sha256').update(live.token).digest('hex'), 'only the SHA-256 of the token is stored');
    assert.deepEqual(await verifier.verifyToken(live.token), { ok: true, principal: { kind: 'token', tokenId: 't-live', name: 'ci', role: 'operator', user: 'alice' } });
    assert.deepEqual(await verifier.verifyToken(expired.token), { ok: false, refusal: 'expired' });
    assert.deepEqual(await verifier.verifyToken(newApiToken().token), { ok: false, refusal: 'unknown' });
    assert.deepEqual(await verifier.verifyToken('Bearer nonsense'), { ok: false, refusal: 'malformed' });
    await inTransaction(dataSource, (tx) => repo.revokeTokens(tx, ['t-live']));
    assert.deepEqual(await verifier.verifyToken(live.token), { ok: false, refusal: 'revoked' });
    assert.deepEqual(
      (await repo.listTokens()).map((t) => t.tokenId),
      ['t-old'],
      'revoked tokens are left out unless asked for',
    );
    const all = await repo.listTokens(true);
    assert.deepEqual(all.map((t) => t.tokenId).sort(), ['t-live', 't-old']);
    assert.ok(
      all.every((t) => !('tokenHash' in t)),
      'a listed token carries no hash',
    );
  });

  test('a revocation is final, even for the owner', async () => {
    await assert.rejects(pool.query("update api_tokens set revoked_at = null where token_id = 't-live'"), /cannot be undone/);
    await assert.rejects(ownerPool.query("update api_tokens set revoked_at = null where token_id = 't-live'"), /cannot be undone/);
    await assert.rejects(pool.query("delete from api_tokens where token_id = 't-live'"), /permission denied/);
  });

  test('a use is recorded at most once a minute', async () => {
    const t = newApiToken();
    await inTransaction(dataSource, (tx) => repo.addToken(tx, { tokenId: 't-use', tokenHash: t.hash, name: 'use', role: 'viewer', userName: null, expiresAt: null }));
    assert.equal((await verifier.verifyToken(t.token)).ok, true);
    const first = (await repo.listTokens()).find((x) => x.tokenId === 't-use')!.lastUsedAt;
    assert.ok(first, 'the first use is recorded');
    assert.equal((await verifier.verifyToken(t.token)).ok, true);
    assert.equal((await repo.listTokens()).find((x) => x.tokenId === 't-use')!.lastUsedAt, first, 'a second use within the minute writes nothing');
    await ownerPool.query("update api_tokens set last_used_at = last_used_at - interval '61 seconds' where token_id = 't-use'");
    assert.equal((await verifier.verifyToken(t.token)).ok, true);
    const later = (await repo.listTokens()).find((x) => x.tokenId === 't-use')!.lastUsedAt!;
    assert.ok(Date.parse(later) > Date.parse(first) - 61_000 + 1000, 'a use after a minute is recorded again');
  });
});
