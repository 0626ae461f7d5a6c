import { z } from 'zod';

import { ROLES } from './refuse-access.v1';

const role = z.enum(ROLES, { message: 'the role is viewer, operator or admin' });

/** User and token names: a-z, 0-9, "_", "." and "-", starting with a letter or digit. */
export const USER_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const userName = z.string().regex(USER_NAME_PATTERN, 'user names use a-z, 0-9, "_", "." and "-" (up to 64, starting with a letter or digit)');
const tokenName = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'token names use a-z, 0-9, "_", "." and "-" (up to 64, starting with a letter or digit)');

/** Adds a person who signs in with a password. The password is hashed (argon2id) by the orchestrator; it never enters an event or the audit trail. */
export const AddUserV1 = {
  type: 'user.add',
  version: 1,
  payload: z.object({
    name: userName,
    role,
    password: z.string().min(12, 'the password is shorter than 12 characters; choose a longer one').max(1024, 'the password is longer than 1024 characters'),
  }),
  example: { name: 'alice', role: 'admin', password: 'correct-horse-battery-staple' },
  /** payload fields never written to the audit trail or logs */
  redact: ['password'],
} as const;
export type AddUserPayloadV1 = z.infer<typeof AddUserV1.payload>;

/** Changes a user's role. The last admin cannot be demoted. */
export const SetUserRoleV1 = {
  type: 'user.set_role',
  version: 1,
  payload: z.object({ name: userName, role }),
  example: { name: 'alice', role: 'operator' },
} as const;
export type SetUserRolePayloadV1 = z.infer<typeof SetUserRoleV1.payload>;

/**
 * Sets a user's password (an admin for anyone; through the API, a user for themself
 * after giving the current one). The new hash replaces the old in the commit that
 * records the change, and every session of the user ends with it.
 */
export const SetUserPasswordV1 = {
  type: 'user.set_password',
  version: 1,
  payload: z.object({
    name: userName,
    password: z.string().min(12, 'the password is shorter than 12 characters; choose a longer one').max(1024, 'the password is longer than 1024 characters'),
  }),
  example: { name: 'alice', password: 'correct-horse-battery-staple-2' },
  redact: ['password'],
} as const;
export type SetUserPasswordPayloadV1 = z.infer<typeof SetUserPasswordV1.payload>;

/** Removes a user and revokes their tokens. The last admin cannot be removed. */
export const RemoveUserV1 = {
  type: 'user.remove',
  version: 1,
  payload: z.object({ name: userName }),
  example: { name: 'alice' },
} as const;
export type RemoveUserPayloadV1 = z.infer<typeof RemoveUserV1.payload>;

/**
 * Creates an API token. The orchestrator makes the token and returns it once, in the
 * reply to its sender; only its SHA-256 hash is stored, and no event holds it.
 */
export const CreateTokenV1 = {
  type: 'token.create',
  version: 1,
  payload: z.object({
    name: tokenName,
    role,
    /** the user the token acts for; none for a token of its own (a script's) */
    user: userName.optional(),
    /** ISO time after which the token no longer works; none: it works until revoked */
    expiresAt: z.iso.datetime({ offset: true, message: 'expiresAt is an ISO time, e.g. 2027-01-31T00:00:00Z' }).optional(),
  }),
  example: { name: 'deploy-script', role: 'operator', expiresAt: '2027-01-31T00:00:00.000Z' },
} as const;
export type CreateTokenPayloadV1 = z.infer<typeof CreateTokenV1.payload>;

/** Revokes an API token by its id (from `sacp token list`). */
export const RevokeTokenV1 = {
  type: 'token.revoke',
  version: 1,
  payload: z.object({ tokenId: z.string().min(1, 'name the token by its id (sacp token list)').max(100) }),
  example: { tokenId: 'tok_01J9ZK5V1Q8W3X4Y5Z6A7B8C9D' },
} as const;
export type RevokeTokenPayloadV1 = z.infer<typeof RevokeTokenV1.payload>;
