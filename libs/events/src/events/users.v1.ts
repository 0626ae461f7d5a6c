import { z } from 'zod';

/*
 * Users and API tokens, all on the stream `users`. No event holds a password, a hash
 * or a token: names, roles, ids and expiry only (who did it is in the metadata).
 */
const role = z.enum(['viewer', 'operator', 'admin']);

export const UserAddedV1 = {
  type: 'user.added',
  version: 1,
  data: z.object({ userId: z.string(), name: z.string(), role }),
  example: { userId: 'usr_7f3c2a9e4b1d', name: 'alice', role: 'admin' },
} as const;
export type UserAddedDataV1 = z.infer<typeof UserAddedV1.data>;

export const UserRoleChangedV1 = {
  type: 'user.role_changed',
  version: 1,
  data: z.object({ userId: z.string(), name: z.string(), from: role, to: role }),
  example: { userId: 'usr_7f3c2a9e4b1d', name: 'alice', from: 'admin', to: 'operator' },
} as const;
export type UserRoleChangedDataV1 = z.infer<typeof UserRoleChangedV1.data>;

/** The user's password was changed (by whom: the metadata); every session of theirs ended. */
export const UserPasswordChangedV1 = {
  type: 'user.password_changed',
  version: 1,
  data: z.object({ userId: z.string(), name: z.string() }),
  example: { userId: 'usr_7f3c2a9e4b1d', name: 'alice' },
} as const;
export type UserPasswordChangedDataV1 = z.infer<typeof UserPasswordChangedV1.data>;

export const UserRemovedV1 = {
  type: 'user.removed',
  version: 1,
  data: z.object({ userId: z.string(), name: z.string() }),
  example: { userId: 'usr_7f3c2a9e4b1d', name: 'alice' },
} as const;
export type UserRemovedDataV1 = z.infer<typeof UserRemovedV1.data>;

export const TokenCreatedV1 = {
  type: 'token.created',
  version: 1,
  data: z.object({
    tokenId: z.string(),
    name: z.string(),
    role,
    /** the user it acts for, or null */
    user: z.string().nullable(),
    expiresAt: z.iso.datetime({ offset: true }).nullable(),
  }),
  example: { tokenId: 'tok_01J9ZK5V1Q8W3X4Y5Z6A7B8C9D', name: 'deploy-script', role: 'operator', user: null, expiresAt: '2027-01-31T00:00:00.000Z' },
} as const;
export type TokenCreatedDataV1 = z.infer<typeof TokenCreatedV1.data>;

export const TokenRevokedV1 = {
  type: 'token.revoked',
  version: 1,
  data: z.object({
    tokenId: z.string(),
    name: z.string(),
    /** why: "revoked" by a command, or "user_removed" with its user */
    cause: z.enum(['revoked', 'user_removed']),
  }),
  example: { tokenId: 'tok_01J9ZK5V1Q8W3X4Y5Z6A7B8C9D', name: 'deploy-script', cause: 'revoked' },
} as const;
export type TokenRevokedDataV1 = z.infer<typeof TokenRevokedV1.data>;
