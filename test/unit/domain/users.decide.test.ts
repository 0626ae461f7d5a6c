import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { decideUsers, type EvolvableEvent, evolveUsers, initialUsersState, type UsersCommand, USERS_STREAM_ID } from '@sacp/domain';
import type { EventDataMap } from '@sacp/events';
import { deciderSpec } from '../../support/decider-spec';

const at = (type: keyof EventDataMap, data: object): EvolvableEvent => ({ type, data, metadata: { occurredAt: '2026-11-29T10:00:00.000Z' } }) as unknown as EvolvableEvent;
const added = (name: string, role: 'viewer' | 'operator' | 'admin', userId = `usr-${name}`) => at('user.added', { userId, name, role });
const tokenCreated = (tokenId: string, name: string, user: string | null = null) => at('token.created', { tokenId, name, role: 'operator', user, expiresAt: null });
const tokenRevoked = (tokenId: string, name: string) => at('token.revoked', { tokenId, name, cause: 'revoked' });
const NOW = '2026-11-29T12:00:00.000Z';
const createToken = (over: Partial<Extract<UsersCommand, { type: 'create_token' }>> = {}): UsersCommand => ({
  type: 'create_token',
  tokenId: 'tok-1',
  name: 'ci',
  role: 'operator',
  user: null,
  expiresAt: null,
  now: NOW,
  ...over,
});

const { given } = deciderSpec({
  initialState: initialUsersState,
  evolve: evolveUsers,
  decide: decideUsers,
  appended: (d: ReturnType<typeof decideUsers>) => d.appends.flatMap((a) => a.events.map((e) => ({ stream: a.streamId, ...e }))),
});

describe('users decider: adding users', () => {
  test('the first user is added on the users stream, expecting its version', () => {
    const d = given([])
      .when({ type: 'add', userId: 'usr-1', name: 'alice', role: 'admin' })
      .then([{ stream: USERS_STREAM_ID, type: 'user.added', schemaVersion: 1, data: { userId: 'usr-1', name: 'alice', role: 'admin' } }]);
    assert.equal(d.appends[0]!.expectedVersion, 0);
    assert.deepEqual(d.user, { userId: 'usr-1', name: 'alice', role: 'admin' });
  });

  test('a name in use is refused, naming the user and what to do instead', () => {
    given([added('alice', 'admin')])
      .when({ type: 'add', userId: 'usr-2', name: 'alice', role: 'viewer' })
      .then({ error: 'USER.NAME_IN_USE', message: /"alice" exists already.*sacp user set-role alice/ });
  });

  test('a name outside the rules is refused', () => {
    given([])
      .when({ type: 'add', userId: 'u', name: 'Alice Smith', role: 'viewer' })
      .then({ error: 'USER.NAME_INVALID', message: /a-z, 0-9/ });
    given([]).when({ type: 'add', userId: 'u', name: '-x', role: 'viewer' }).then({ error: 'USER.NAME_INVALID' });
  });

  test('a removed user frees its name', () => {
    given([added('alice', 'admin'), added('bob', 'admin'), at('user.removed', { userId: 'usr-bob', name: 'bob' })])
      .when({ type: 'add', userId: 'usr-3', name: 'bob', role: 'viewer' })
      .then([{ type: 'user.added', data: { userId: 'usr-3', name: 'bob', role: 'viewer' } }]);
  });
});

describe('users decider: roles and removal', () => {
  test('a role change records from and to', () => {
    given([added('alice', 'admin'), added('bob', 'viewer')])
      .when({ type: 'set_role', name: 'bob', role: 'operator' })
      .then([{ type: 'user.role_changed', data: { userId: 'usr-bob', name: 'bob', from: 'viewer', to: 'operator' } }]);
  });

  test('the same role again changes nothing', () => {
    const d = given([added('alice', 'admin')])
      .when({ type: 'set_role', name: 'alice', role: 'admin' })
      .then([]);
    assert.equal(d.changed, false);
  });

  test('the last admin can be neither demoted nor removed', () => {
    given([added('alice', 'admin'), added('bob', 'operator')])
      .when({ type: 'set_role', name: 'alice', role: 'operator' })
      .then({ error: 'USER.LAST_ADMIN', message: /last admin; add another admin first/ });
    given([added('alice', 'admin')])
      .when({ type: 'remove', name: 'alice' })
      .then({ error: 'USER.LAST_ADMIN' });
  });

  test('an admin among two can be demoted, and a non-admin removed while one admin remains', () => {
    given([added('alice', 'admin'), added('bob', 'admin')])
      .when({ type: 'set_role', name: 'bob', role: 'viewer' })
      .then([{ type: 'user.role_changed', data: { userId: 'usr-bob', name: 'bob', from: 'admin', to: 'viewer' } }]);
    given([added('alice', 'admin'), added('bob', 'viewer')])
      .when({ type: 'remove', name: 'bob' })
      .then([{ type: 'user.removed', data: { userId: 'usr-bob', name: 'bob' } }]);
  });

  test('an unknown user is refused for a role change and a removal', () => {
    given([added('alice', 'admin')])
      .when({ type: 'set_role', name: 'carol', role: 'viewer' })
      .then({ error: 'USER.NOT_FOUND', message: /no user "carol".*sacp user list/ });
    given([added('alice', 'admin')])
      .when({ type: 'remove', name: 'carol' })
      .then({ error: 'USER.NOT_FOUND' });
  });

  test("removing a user revokes its live tokens with it, not others' or revoked ones", () => {
    const d = given([
      added('alice', 'admin'),
      added('bob', 'operator'),
      tokenCreated('t1', 'a', 'bob'),
      tokenCreated('t2', 'b', 'bob'),
      tokenRevoked('t2', 'b'),
      tokenCreated('t3', 'c'),
    ])
      .when({ type: 'remove', name: 'bob' })
      .then([
        { type: 'user.removed', data: { userId: 'usr-bob', name: 'bob' } },
        { type: 'token.revoked', data: { tokenId: 't1', name: 'a', cause: 'user_removed' } },
      ]);
    assert.deepEqual(d.revokedTokens, ['t1']);
  });
});

describe('users decider: tokens', () => {
  test('a token is created with its name, role, user and expiry, never a secret', () => {
    given([added('alice', 'admin')])
      .when(createToken({ user: 'alice', expiresAt: '2026-12-29T12:00:00.000Z' }))
      .then([{ type: 'token.created', data: { tokenId: 'tok-1', name: 'ci', role: 'operator', user: 'alice', expiresAt: '2026-12-29T12:00:00.000Z' } }]);
  });

  test('an expiry not in the future is refused', () => {
    given([])
      .when(createToken({ expiresAt: NOW }))
      .then({ error: 'TOKEN.INVALID', message: /not in the future/ });
    given([])
      .when(createToken({ expiresAt: '2020-01-01T00:00:00Z' }))
      .then({ error: 'TOKEN.INVALID' });
  });

  test("a token for an unknown user, or above its user's role, is refused", () => {
    given([])
      .when(createToken({ user: 'carol' }))
      .then({ error: 'USER.NOT_FOUND' });
    given([added('alice', 'admin'), added('bob', 'viewer')])
      .when(createToken({ user: 'bob', role: 'operator' }))
      .then({ error: 'TOKEN.INVALID', message: /bob" cannot have the role operator: the user has viewer/ });
  });

  test('a live token name is taken; a revoked one frees it', () => {
    given([tokenCreated('t1', 'ci')])
      .when(createToken())
      .then({ error: 'TOKEN.NAME_IN_USE', message: /sacp token revoke t1/ });
    given([tokenCreated('t1', 'ci'), tokenRevoked('t1', 'ci')])
      .when(createToken())
      .then([{ type: 'token.created', data: { tokenId: 'tok-1', name: 'ci', role: 'operator', user: null, expiresAt: null } }]);
  });

  test('a token is revoked once; an unknown or revoked one is refused', () => {
    given([tokenCreated('t1', 'ci')])
      .when({ type: 'revoke_token', tokenId: 't1' })
      .then([{ type: 'token.revoked', data: { tokenId: 't1', name: 'ci', cause: 'revoked' } }]);
    given([tokenCreated('t1', 'ci'), tokenRevoked('t1', 'ci')])
      .when({ type: 'revoke_token', tokenId: 't1' })
      .then({ error: 'TOKEN.REVOKED', message: /revoked already/ });
    given([])
      .when({ type: 'revoke_token', tokenId: 'nope' })
      .then({ error: 'TOKEN.NOT_FOUND', message: /sacp token list/ });
  });
});

describe('users decider: passwords', () => {
  test('a password change is recorded for the user, without the password', () => {
    const d = given([added('alice', 'admin')])
      .when({ type: 'set_password', name: 'alice' })
      .then([{ stream: USERS_STREAM_ID, type: 'user.password_changed', data: { userId: 'usr-alice', name: 'alice' } }]);
    assert.equal(d.appends[0]!.expectedVersion, 1);
  });

  test('an unknown or removed user has no password to change', () => {
    given([]).when({ type: 'set_password', name: 'nobody' }).then({ error: 'USER.NOT_FOUND', message: /sacp user list/ });
    given([added('alice', 'admin'), added('bob', 'viewer'), at('user.removed', { userId: 'usr-bob', name: 'bob' })])
      .when({ type: 'set_password', name: 'bob' })
      .then({ error: 'USER.NOT_FOUND' });
  });
});
