import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * A small secret (the Discord bot token) sealed with AES-256-GCM under a 32-byte key
 * kept apart from it: the sealed file alone reveals nothing, and a changed file, a
 * wrong key or a file sealed for another purpose (the label, bound in as AAD) is
 * refused rather than opened to garbage.
 *
 * No error raised here ever contains the secret, the key or the ciphertext: they
 * name the problem and how to fix it, so they are safe to log and print.
 */

export const SEALED_FORMAT = 'sacp-sealed';
export const SEALED_VERSION = 1;
export const DEFAULT_SEALED_LABEL = 'discord-token';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_HINT = 'make one with `sacp discord keygen` or `openssl rand -base64 32`';

export type SealedSecretErrorCode =
  /** the key is not base64, or not 32 bytes */
  | 'SEALED.KEY_INVALID'
  /** the file is not JSON of the sacp-sealed format, or a field of it is malformed */
  | 'SEALED.NOT_SEALED'
  /** a sacp-sealed file of a version this code does not know */
  | 'SEALED.UNSUPPORTED_VERSION'
  /** the file was sealed for another purpose */
  | 'SEALED.LABEL_MISMATCH'
  /** authentication failed: the wrong key, or the file was changed */
  | 'SEALED.WRONG_KEY'
  /** nothing to seal, or an unusable label */
  | 'SEALED.INVALID_INPUT'
  /** the file cannot be read */
  | 'SEALED.UNREADABLE';

export class SealedSecretError extends Error {
  override readonly name = 'SealedSecretError';
  constructor(
    readonly code: SealedSecretErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The body of a sealed file. */
export interface SealedSecretFile {
  format: typeof SEALED_FORMAT;
  version: typeof SEALED_VERSION;
  label: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/** A new random sealing key: base64 of 32 bytes. */
export function generateSealingKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/**
 * The key's 32 bytes. Accepts standard or URL-safe base64, surrounding whitespace
 * (a key file's trailing newline) and missing padding.
 */
export function parseKey(keyBase64: string): Buffer {
  if (typeof keyBase64 !== 'string') throw new SealedSecretError('SEALED.KEY_INVALID', `the key must be 32 bytes in base64 (${KEY_HINT}); got no key`);
  const text = keyBase64.trim();
  if (text === '') throw new SealedSecretError('SEALED.KEY_INVALID', `the key must be 32 bytes in base64 (${KEY_HINT}); got an empty key`);
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw new SealedSecretError('SEALED.KEY_INVALID', `the key must be 32 bytes in base64 (${KEY_HINT}); got text that is not base64`);
  }
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length !== KEY_BYTES) {
    throw new SealedSecretError('SEALED.KEY_INVALID', `the key must be ${KEY_BYTES} bytes in base64 (${KEY_HINT}); got ${bytes.length} bytes`);
  }
  return bytes;
}

function checkLabel(label: string): void {
  if (typeof label !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/.test(label)) {
    throw new SealedSecretError('SEALED.INVALID_INPUT', 'the label must be 1-100 characters: letters, digits, "_", ".", ":" and "-"');
  }
}

/** Seals `plain` under the key; returns the text of a sealed file (JSON and a newline). */
export function sealSecret(plain: string, keyBase64: string, label: string = DEFAULT_SEALED_LABEL): string {
  const key = parseKey(keyBase64);
  checkLabel(label);
  if (typeof plain !== 'string' || plain === '') throw new SealedSecretError('SEALED.INVALID_INPUT', 'there is nothing to seal: the secret is empty');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(label, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const body: SealedSecretFile = {
    format: SEALED_FORMAT,
    version: SEALED_VERSION,
    label,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
  return `${JSON.stringify(body)}\n`;
}

const NOT_SEALED = 'the sealed file is not a sacp-sealed file';

function b64Field(body: Record<string, unknown>, field: string, bytes?: number): Buffer {
  const v = body[field];
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw new SealedSecretError('SEALED.NOT_SEALED', `${NOT_SEALED} (its "${field}" is not base64)`);
  const buf = Buffer.from(v, 'base64');
  if (bytes !== undefined && buf.length !== bytes) throw new SealedSecretError('SEALED.NOT_SEALED', `${NOT_SEALED} (its "${field}" must be ${bytes} bytes)`);
  return buf;
}

/** Opens the text of a sealed file with the key; returns the secret. */
export function openSealedSecret(fileText: string, keyBase64: string, label: string = DEFAULT_SEALED_LABEL): string {
  const key = parseKey(keyBase64);
  let body: unknown;
  try {
    // never pass on JSON.parse's message: it quotes the text, which may be a plain token
    body = JSON.parse(fileText);
  } catch {
    throw new SealedSecretError('SEALED.NOT_SEALED', `${NOT_SEALED} (it is not JSON)`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body) || (body as { format?: unknown }).format !== SEALED_FORMAT) {
    throw new SealedSecretError('SEALED.NOT_SEALED', NOT_SEALED);
  }
  const b = body as Record<string, unknown>;
  if (b.version !== SEALED_VERSION) {
    const v = typeof b.version === 'number' ? String(b.version) : 'unknown';
    throw new SealedSecretError('SEALED.UNSUPPORTED_VERSION', `the sealed file is version ${v}; this sacp reads version ${SEALED_VERSION} only`);
  }
  if (typeof b.label !== 'string') throw new SealedSecretError('SEALED.NOT_SEALED', `${NOT_SEALED} (it has no label)`);
  if (b.label !== label) {
    // labels are not secret; quote them only when they are plain names
    const given = /^[A-Za-z0-9_.:-]{1,100}$/.test(b.label) ? `"${b.label}"` : 'another purpose';
    throw new SealedSecretError('SEALED.LABEL_MISMATCH', `the sealed file was sealed for ${given}, not "${label}"`);
  }
  const iv = b64Field(b, 'iv', IV_BYTES);
  const tag = b64Field(b, 'tag', TAG_BYTES);
  const ciphertext = b64Field(b, 'ciphertext');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(label, 'utf8'));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new SealedSecretError('SEALED.WRONG_KEY', 'the key does not open this file (wrong key, or the file was changed)');
  }
  return plain.toString('utf8');
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unreadable');
    throw new SealedSecretError('SEALED.UNREADABLE', `cannot read the ${what} ${path}: ${why}`);
  }
}

/** Reads and opens a sealed file; errors name the file (never its content). */
export function readSealedSecretFile(path: string, keyBase64: string, label: string = DEFAULT_SEALED_LABEL): string {
  const text = readText(path, 'sealed file');
  try {
    return openSealedSecret(text, keyBase64, label);
  } catch (err) {
    if (err instanceof SealedSecretError) throw new SealedSecretError(err.code, `${path}: ${err.message}`);
    throw err;
  }
}

/** Reads a key file (base64, a trailing newline allowed) and checks it; returns the key as base64. */
export function readSealingKeyFile(path: string): string {
  const text = readText(path, 'key file');
  try {
    parseKey(text);
  } catch (err) {
    if (err instanceof SealedSecretError) throw new SealedSecretError(err.code, `${path}: ${err.message}`);
    throw err;
  }
  return text.trim();
}
