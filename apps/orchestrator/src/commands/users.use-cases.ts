import { decideUsers, evolveUsers, initialUsersState, type EvolvableEvent, type UsersCommand, type UsersDecision, type UsersState, USERS_STREAM_ID } from '@sacp/domain';
import { type CredentialRepository, type EventStore, hashPassword, newApiToken, uuidv7 } from '@sacp/event-store';
import type {
  AddUserPayloadV1,
  CommandEnvelope,
  CreateTokenPayloadV1,
  RemoveUserPayloadV1,
  RevokeTokenPayloadV1,
  SetUserPasswordPayloadV1,
  SetUserRolePayloadV1,
} from '@sacp/events';
import type { StoreTransaction } from '@sacp/event-store';
import type { UseCaseOutcome } from './command-pipeline';

export interface UsersDeps {
  store: EventStore;
  credentials: CredentialRepository;
  clock?: () => Date;
}

const loadUsers = async (store: EventStore): Promise<UsersState> =>
  (await store.readStream(USERS_STREAM_ID)).reduce((s, e) => evolveUsers(s, e as unknown as EvolvableEvent), initialUsersState());

async function decide(deps: UsersDeps, command: UsersCommand): Promise<UsersDecision> {
  return decideUsers(command, await loadUsers(deps.store));
}

const userResult = (d: UsersDecision) => ({ userId: d.user!.userId, name: d.user!.name, role: d.user!.role, changed: d.changed });
const tokenResult = (d: UsersDecision) => ({ tokenId: d.token!.tokenId, name: d.token!.name, role: d.token!.role, expiresAt: d.token!.expiresAt, changed: d.changed });

/** user.add: the user's event and its argon2id password hash commit together; the password goes nowhere else. */
export async function addUser(cmd: CommandEnvelope<AddUserPayloadV1>, deps: UsersDeps): Promise<UseCaseOutcome> {
  const { name, role, password } = cmd.payload;
  const d = await decide(deps, { type: 'add', userId: uuidv7(), name, role });
  const passwordHash = await hashPassword(password);
  return {
    appends: d.appends,
    result: userResult(d),
    target: 'the user directory',
    alsoInTransaction: (tx: StoreTransaction) => deps.credentials.addUser(tx, { userId: d.user!.userId, name, role, passwordHash }),
  };
}

/** user.set_role: the role in the event and in the credentials table change together. */
export async function setUserRole(cmd: CommandEnvelope<SetUserRolePayloadV1>, deps: UsersDeps): Promise<UseCaseOutcome> {
  const d = await decide(deps, { type: 'set_role', name: cmd.payload.name, role: cmd.payload.role });
  return {
    appends: d.appends,
    result: userResult(d),
    target: 'the user directory',
    ...(d.changed ? { alsoInTransaction: (tx: StoreTransaction) => deps.credentials.setRole(tx, cmd.payload.name, cmd.payload.role) } : {}),
  };
}

/** user.set_password: the new argon2id hash replaces the old with the event, and every session of the user ends in the same commit. */
export async function setUserPassword(cmd: CommandEnvelope<SetUserPasswordPayloadV1>, deps: UsersDeps): Promise<UseCaseOutcome> {
  const d = await decide(deps, { type: 'set_password', name: cmd.payload.name });
  const passwordHash = await hashPassword(cmd.payload.password);
  return {
    appends: d.appends,
    result: userResult(d),
    target: 'the user directory',
    alsoInTransaction: (tx: StoreTransaction) => deps.credentials.setPassword(tx, d.user!.userId, passwordHash),
  };
}

/** user.remove: the user's password hash goes, and its tokens are revoked, with the events that say so. */
export async function removeUser(cmd: CommandEnvelope<RemoveUserPayloadV1>, deps: UsersDeps): Promise<UseCaseOutcome> {
  const d = await decide(deps, { type: 'remove', name: cmd.payload.name });
  return {
    appends: d.appends,
    result: { ...userResult(d), role: null, revokedTokens: d.revokedTokens },
    target: 'the user directory',
    alsoInTransaction: async (tx: StoreTransaction) => {
      await deps.credentials.removeUser(tx, cmd.payload.name);
      await deps.credentials.revokeTokens(tx, d.revokedTokens);
    },
  };
}

/**
 * token.create: a random token (32 bytes, base64url, prefixed `sacp_`), of which only
 * the SHA-256 is stored. The token is added to the reply after the commit and is not
 * part of the stored reply, so it is shown once: a duplicate's reply lacks it.
 */
export async function createToken(cmd: CommandEnvelope<CreateTokenPayloadV1>, deps: UsersDeps): Promise<UseCaseOutcome> {
  const { name, role } = cmd.payload;
  const user = cmd.payload.user ?? null;
  const expiresAt = cmd.payload.expiresAt ? new Date(cmd.payload.expiresAt).toISOString() : null;
  const now = (deps.clock ?? (() => new Date()))().toISOString();
  const d = await decide(deps, { type: 'create_token', tokenId: uuidv7(), name, role, user, expiresAt, now });
  const { token, hash } = newApiToken();
  return {
    appends: d.appends,
    result: tokenResult(d),
    target: 'the user directory',
    alsoInTransaction: (tx: StoreTransaction) =>
      deps.credentials.addToken(tx, { tokenId: d.token!.tokenId, tokenHash: hash, name, role, userName: user, expiresAt: expiresAt ? new Date(expiresAt) : null }),
    afterCommit: async () => ({ token }),
  };
}

/** token.revoke: the revocation is recorded and the token stops working in the same commit. */
export async function revokeToken(cmd: CommandEnvelope<RevokeTokenPayloadV1>, deps: UsersDeps): Promise<UseCaseOutcome> {
  const d = await decide(deps, { type: 'revoke_token', tokenId: cmd.payload.tokenId });
  return {
    appends: d.appends,
    result: tokenResult(d),
    target: 'the user directory',
    alsoInTransaction: (tx: StoreTransaction) => deps.credentials.revokeTokens(tx, [d.token!.tokenId]),
  };
}
