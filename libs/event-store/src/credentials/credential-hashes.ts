import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** What every API token starts with, so a leaked one is recognised (by people and secret scanners). */
export const API_TOKEN_PREFIX = 'sacp_';
/** 32 random bytes in base64url: 43 characters after the prefix. */
const TOKEN_BODY = /^[A-Za-z0-9_-]{43}$/;

/** A new API token and the SHA-256 that is stored of it. Tokens are high-entropy, so a fast hash is enough to look them up by. */
export function newApiToken(): { token: string; hash: Buffer } {
  const token = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: apiTokenHash(token) };
}

export const apiTokenHash = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** Whether a string has the shape of an API token (checked before any lookup). */
export const looksLikeApiToken = (token: string): boolean => token.startsWith(API_TOKEN_PREFIX) && TOKEN_BODY.test(token.slice(API_TOKEN_PREFIX.length));

/**
 * argon2id with @node-rs/argon2's defaults (19 MiB, 2 passes, 1 lane: OWASP's
 * minimum for argon2id), which the hash string records, so stronger settings later
 * still verify older hashes.
 */
export const hashPassword = (password: string): Promise<string> => hash(password);

/** A hash no password matches, verified when the user is unknown so the answer takes as long either way. */
let decoy: Promise<string> | undefined;

/** Checks a password against its argon2id hash (or against a decoy when there is none, taking the same time). */
export async function passwordMatches(passwordHash: string | null, password: string): Promise<boolean> {
  decoy ??= hash(randomBytes(32).toString('base64'));
  const against = passwordHash ?? (await decoy);
  const ok = await verify(against, password).catch(() => false);
  return ok && passwordHash !== null;
}
