import { ErrorCodes, newEvent, USER_NAME_PATTERN, type NewKnownEvent, type Role } from '@sacp/events';
import { DomainError } from '../domain-error';
import type { EvolvableEvent } from '../agent/agent.evolve';
import type { StreamAppend } from '../agent/agent.decide';

/** Every user and API token lives on one stream: name uniqueness and "the last admin" are decided on one version. */
export const USERS_STREAM_ID = 'users';

const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export interface UserView {
  userId: string;
  name: string;
  role: Role;
}

export interface TokenView {
  tokenId: string;
  name: string;
  role: Role;
  user: string | null;
  expiresAt: string | null;
  revoked: boolean;
}

export interface UsersState {
  version: number;
  /** by name */
  users: Record<string, UserView>;
  /** by id */
  tokens: Record<string, TokenView>;
}

export const initialUsersState = (): UsersState => ({ version: 0, users: {}, tokens: {} });

export type UsersCommand =
  | { type: 'add'; userId: string; name: string; role: Role }
  | { type: 'set_role'; name: string; role: Role }
  | { type: 'set_password'; name: string }
  | { type: 'remove'; name: string }
  | { type: 'create_token'; tokenId: string; name: string; role: Role; user: string | null; expiresAt: string | null; now: string }
  | { type: 'revoke_token'; tokenId: string };

export interface UsersDecision {
  appends: StreamAppend[];
  /** the user or token the command was about, and whether anything changed */
  changed: boolean;
  user?: UserView;
  token?: TokenView;
  revokedTokens: string[];
}

/** Folds one event of the `users` stream. Other types pass through. */
export function evolveUsers(state: UsersState, event: EvolvableEvent): UsersState {
  const s = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'user.added':
      return { ...s, users: { ...s.users, [event.data.name]: { userId: event.data.userId, name: event.data.name, role: event.data.role } } };
    case 'user.role_changed': {
      const u = s.users[event.data.name];
      return u ? { ...s, users: { ...s.users, [u.name]: { ...u, role: event.data.to } } } : s;
    }
    case 'user.removed': {
      const { [event.data.name]: _gone, ...users } = s.users;
      return { ...s, users };
    }
    case 'token.created': {
      const d = event.data;
      return { ...s, tokens: { ...s.tokens, [d.tokenId]: { tokenId: d.tokenId, name: d.name, role: d.role, user: d.user, expiresAt: d.expiresAt, revoked: false } } };
    }
    case 'token.revoked': {
      const t = s.tokens[event.data.tokenId];
      return t ? { ...s, tokens: { ...s.tokens, [t.tokenId]: { ...t, revoked: true } } } : s;
    }
    default:
      return s;
  }
}

function requireUser(state: UsersState, name: string): UserView {
  const user = state.users[name];
  if (!user) throw new DomainError(ErrorCodes.USER_NOT_FOUND, `no user "${name}" exists; list the users with: sacp user list`, { user: name });
  return user;
}

function assertNotLastAdmin(state: UsersState, user: UserView, action: string): void {
  if (user.role !== 'admin') return;
  const admins = Object.values(state.users).filter((u) => u.role === 'admin');
  if (admins.length <= 1)
    throw new DomainError(ErrorCodes.USER_LAST_ADMIN, `cannot ${action} "${user.name}": it is the last admin; add another admin first (sacp user add NAME --admin)`, {
      user: user.name,
    });
}

/** Decides a user or token command on the `users` stream. Pure: ids and the time come with the command. */
export function decideUsers(command: UsersCommand, state: UsersState): UsersDecision {
  const decided = (events: NewKnownEvent[], rest: Omit<UsersDecision, 'appends' | 'changed' | 'revokedTokens'> & { revokedTokens?: string[] }): UsersDecision => ({
    appends: events.length ? [{ streamId: USERS_STREAM_ID, expectedVersion: state.version, events }] : [],
    changed: events.length > 0,
    revokedTokens: [],
    ...rest,
  });
  switch (command.type) {
    case 'add': {
      if (!USER_NAME_PATTERN.test(command.name))
        throw new DomainError(ErrorCodes.USER_NAME_INVALID, `"${command.name}" is not a user name: use a-z, 0-9, "_", "." and "-" (up to 64, starting with a letter or digit)`, {
          user: command.name,
        });
      const existing = state.users[command.name];
      if (existing)
        throw new DomainError(
          ErrorCodes.USER_NAME_IN_USE,
          `a user named "${command.name}" exists already (role ${existing.role}); choose another name, or change its role with: sacp user set-role ${command.name} ROLE`,
          {
            user: command.name,
          },
        );
      const user = { userId: command.userId, name: command.name, role: command.role };
      return decided([newEvent('user.added', user)], { user });
    }
    case 'set_role': {
      const user = requireUser(state, command.name);
      if (user.role === command.role) return decided([], { user });
      if (ROLE_RANK[command.role] < ROLE_RANK.admin) assertNotLastAdmin(state, user, `make ${command.role} of`);
      return decided([newEvent('user.role_changed', { userId: user.userId, name: user.name, from: user.role, to: command.role })], { user: { ...user, role: command.role } });
    }
    case 'set_password': {
      const user = requireUser(state, command.name);
      return decided([newEvent('user.password_changed', { userId: user.userId, name: user.name })], { user });
    }
    case 'remove': {
      const user = requireUser(state, command.name);
      assertNotLastAdmin(state, user, 'remove');
      const tokens = Object.values(state.tokens).filter((t) => t.user === user.name && !t.revoked);
      return decided(
        [
          newEvent('user.removed', { userId: user.userId, name: user.name }),
          ...tokens.map((t) => newEvent('token.revoked', { tokenId: t.tokenId, name: t.name, cause: 'user_removed' as const })),
        ],
        { user, revokedTokens: tokens.map((t) => t.tokenId) },
      );
    }
    case 'create_token': {
      const { tokenId, name, role, user, expiresAt, now } = command;
      if (expiresAt !== null && Date.parse(expiresAt) <= Date.parse(now))
        throw new DomainError(ErrorCodes.TOKEN_INVALID, `the token's expiry ${expiresAt} is not in the future; give a later time (e.g. --expires 30d)`, { expiresAt });
      if (user !== null) {
        const owner = requireUser(state, user);
        if (ROLE_RANK[role] > ROLE_RANK[owner.role])
          throw new DomainError(ErrorCodes.TOKEN_INVALID, `a token for "${user}" cannot have the role ${role}: the user has ${owner.role}; ask for ${owner.role} or less`, {
            user,
            role,
            held: owner.role,
          });
      }
      const active = Object.values(state.tokens).find((t) => t.name === name && !t.revoked);
      if (active)
        throw new DomainError(
          ErrorCodes.TOKEN_NAME_IN_USE,
          `a token named "${name}" exists already (${active.tokenId}); choose another name or revoke it first (sacp token revoke ${active.tokenId})`,
          {
            name,
            tokenId: active.tokenId,
          },
        );
      const token: TokenView = { tokenId, name, role, user, expiresAt, revoked: false };
      return decided([newEvent('token.created', { tokenId, name, role, user, expiresAt })], { token });
    }
    case 'revoke_token': {
      const token = state.tokens[command.tokenId];
      if (!token) throw new DomainError(ErrorCodes.TOKEN_NOT_FOUND, `no token ${command.tokenId} exists; list the tokens with: sacp token list`, { tokenId: command.tokenId });
      if (token.revoked) throw new DomainError(ErrorCodes.TOKEN_REVOKED, `token ${token.tokenId} ("${token.name}") is revoked already; nothing to do`, { tokenId: token.tokenId });
      return decided([newEvent('token.revoked', { tokenId: token.tokenId, name: token.name, cause: 'revoked' })], { token: { ...token, revoked: true } });
    }
  }
}
