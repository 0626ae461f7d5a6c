import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { apiTokenHash, type CredentialRepository, type EventStore, InMemoryEventStore, type StoreTransaction } from '@sacp/event-store';
import type { CommandEnvelope, EventMetadata } from '@sacp/events';
import type { UseCaseOutcome } from '../../../apps/orchestrator/src/commands/command-pipeline';
import { addUser, createToken, removeUser, revokeToken } from '../../../apps/orchestrator/src/commands/users.use-cases';

const TX = {} as StoreTransaction;
const metadata: EventMetadata = {
  commandId: 'c',
  correlationId: 'c',
  causationId: null,
  actor: { kind: 'cli', id: 'root', displayName: 'root' },
  source: 'test',
  reason: null,
  occurredAt: '2026-11-29T10:00:00.000Z',
};
const cmd = <P>(payload: P) => ({ commandId: 'c', type: 't', version: 1, actor: metadata.actor, source: 'test', payload }) as unknown as CommandEnvelope<P>;

/** A repository that records what the use cases write in the transaction. */
function recordingCredentials() {
  const calls: [string, unknown[]][] = [];
  const rec =
    (name: string) =>
    async (...args: unknown[]) =>
      void calls.push([name, args]);
  const repo = { addUser: rec('addUser'), setRole: rec('setRole'), removeUser: rec('removeUser'), addToken: rec('addToken'), revokeTokens: rec('revokeTokens') };
  return { calls, credentials: repo as unknown as CredentialRepository };
}

/** Appends what a use case decided (the in-memory store runs no SQL: the table writes go to the recorder). */
async function commit(store: EventStore, outcome: UseCaseOutcome): Promise<Record<string, unknown>> {
  await store.append(outcome.appends, metadata);
  await outcome.alsoInTransaction?.(TX);
  return { ...outcome.result, ...(await outcome.afterCommit?.()) };
}

describe('users use cases: what reaches the events, the tables and the reply', () => {
  test('a password becomes an argon2id hash in the table only; the events hold name, role and id', async () => {
    const store = new InMemoryEventStore();
    const { calls, credentials } = recordingCredentials();
    const password = 'unit-password-secret-1';
    const outcome = await addUser(cmd({ name: 'alice', role: 'admin' as const, password }), { store, credentials });
    assert.ok(!JSON.stringify(outcome.appends).includes(password));
    await commit(store, outcome);
    const [name, [tx, row]] = calls[0]! as [string, [unknown, { passwordHash: string; name: string }]];
    assert.equal(name, 'addUser');
    assert.equal(tx, TX, 'written in the transaction of the events');
    assert.match(row.passwordHash, /^\$argon2id\$/);
    const events = await store.readStream('users');
    assert.deepEqual(Object.keys(events[0]!.data as object).sort(), ['name', 'role', 'userId']);
  });

  test('a token is returned after the commit only, and what is stored is its SHA-256', async () => {
    const store = new InMemoryEventStore();
    const { calls, credentials } = recordingCredentials();
    const outcome = await createToken(cmd({ name: 'ci', role: 'viewer' as const }), { store, credentials });
    assert.equal('token' in outcome.result, false, 'the stored reply has no token');
    const reply = await commit(store, outcome);
    const token = reply.token as string;
    assert.match(token, /^sacp_[A-Za-z0-9_-]{43}$/);
    const stored = (calls[0]![1][1] as { tokenHash: Buffer }).tokenHash;
    assert.deepEqual(Buffer.from(stored), apiTokenHash(token));
    assert.equal(Buffer.from(stored).toString('hex'), createHash('sha256').update(token).digest('hex'));
    const events = await store.readStream('users');
    assert.ok(!JSON.stringify(events).includes(token));
  });

  test('a removed user takes its tokens with it; a revocation marks the token in the same transaction', async () => {
    const store = new InMemoryEventStore();
    const { calls, credentials } = recordingCredentials();
    await commit(store, await addUser(cmd({ name: 'alice', role: 'admin' as const, password: 'password-of-alice' }), { store, credentials }));
    await commit(store, await addUser(cmd({ name: 'bob', role: 'operator' as const, password: 'password-of-bobby' }), { store, credentials }));
    const t = await commit(store, await createToken(cmd({ name: 'bob-ci', role: 'operator' as const, user: 'bob' }), { store, credentials }));
    const removed = await commit(store, await removeUser(cmd({ name: 'bob' }), { store, credentials }));
    assert.deepEqual(removed.revokedTokens, [t.tokenId]);
    assert.deepEqual(
      calls.slice(-2).map(([n, a]) => [n, a.slice(1)]),
      [
        ['removeUser', ['bob']],
        ['revokeTokens', [[t.tokenId]]],
      ],
    );
    const other = await commit(store, await createToken(cmd({ name: 'ci', role: 'viewer' as const }), { store, credentials }));
    await commit(store, await revokeToken(cmd({ tokenId: other.tokenId as string }), { store, credentials }));
    assert.deepEqual(calls.at(-1), ['revokeTokens', [TX, [other.tokenId]]]);
  });
});
