import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { generateSealingKey, openSealedSecret, parseKey, readSealedSecretFile, readSealingKeyFile, sealSecret, SealedSecretError } from '@sacp/platform';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB';

/** Runs `fn`, expects a SealedSecretError with `code`, and checks its message leaks nothing. */
function refused(fn: () => unknown, code: string, secrets: string[], message?: RegExp): SealedSecretError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof SealedSecretError, `expected a SealedSecretError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const s of secrets) {
    assert.ok(!caught.message.includes(s), `the message "${caught.message}" contains a secret`);
    assert.ok(!String(caught.stack).includes(s), 'the stack contains a secret');
  }
  if (message) assert.match(caught.message, message);
  return caught;
}

describe('sealed secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sacp-sealed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a key is 32 random bytes in base64', () => {
    const a = generateSealingKey();
    const b = generateSealingKey();
    assert.notEqual(a, b);
    assert.equal(Buffer.from(a, 'base64').length, 32);
    assert.equal(parseKey(a).length, 32);
    assert.equal(parseKey(`  ${a}\n`).length, 32, "a key file's newline is fine");
  });

  test('round trip: what is sealed opens with the same key and label', () => {
    const key = generateSealingKey();
    const text = sealSecret(TOKEN, key);
    assert.ok(text.endsWith('\n'));
    assert.ok(!text.includes(TOKEN));
    const body = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['ciphertext', 'format', 'iv', 'label', 'tag', 'version']);
    assert.equal(body.format, 'sacp-sealed');
    assert.equal(body.version, 1);
    assert.equal(body.label, 'discord-token');
    assert.equal(Buffer.from(body.iv as string, 'base64').length, 12);
    assert.equal(Buffer.from(body.tag as string, 'base64').length, 16);
    assert.equal(openSealedSecret(text, key), TOKEN);
    assert.notEqual(sealSecret(TOKEN, key), text, 'a fresh IV each time');

    const other = sealSecret('another-secret-value', key, 'webhook-secret');
    assert.equal(openSealedSecret(other, key, 'webhook-secret'), 'another-secret-value');
  });

  test('the wrong key is refused, saying so', () => {
    const key = generateSealingKey();
    const wrong = generateSealingKey();
    const text = sealSecret(TOKEN, key);
    const ct = (JSON.parse(text) as { ciphertext: string }).ciphertext;
    refused(() => openSealedSecret(text, wrong), 'SEALED.WRONG_KEY', [TOKEN, key, wrong, ct], /^the key does not open this file \(wrong key, or the file was changed\)$/);
  });

  test('a changed ciphertext, tag or iv is refused', () => {
    const key = generateSealingKey();
    const text = sealSecret(TOKEN, key);
    const body = JSON.parse(text) as { ciphertext: string; tag: string; iv: string };
    const flip = (b64: string) => {
      const buf = Buffer.from(b64, 'base64');
      buf[0] = buf[0]! ^ 0x01;
      return buf.toString('base64');
    };
    for (const field of ['ciphertext', 'tag', 'iv'] as const) {
      const tampered = JSON.stringify({ ...body, [field]: flip(body[field]) });
      refused(() => openSealedSecret(tampered, key), 'SEALED.WRONG_KEY', [TOKEN, key, body.ciphertext], /wrong key, or the file was changed/);
    }
    // a label edited to match does not help: it is bound in as AAD
    const relabelled = sealSecret(TOKEN, key, 'other-purpose');
    const forged = JSON.stringify({ ...(JSON.parse(relabelled) as object), label: 'discord-token' });
    refused(() => openSealedSecret(forged, key), 'SEALED.WRONG_KEY', [TOKEN, key]);
  });

  test('a file sealed under another label is refused', () => {
    const key = generateSealingKey();
    const text = sealSecret(TOKEN, key, 'webhook-secret');
    refused(() => openSealedSecret(text, key), 'SEALED.LABEL_MISMATCH', [TOKEN, key], /sealed for "webhook-secret", not "discord-token"/);
    refused(() => openSealedSecret(sealSecret(TOKEN, key), key, 'webhook-secret'), 'SEALED.LABEL_MISMATCH', [TOKEN, key]);
  });

  test('a key of the wrong length or not base64 is refused with how to make one', () => {
    const short = Buffer.alloc(12, 7).toString('base64');
    refused(
      () => parseKey(short),
      'SEALED.KEY_INVALID',
      [short],
      /^the key must be 32 bytes in base64 \(make one with `sacp discord keygen` or `openssl rand -base64 32`\); got 12 bytes$/,
    );
    refused(() => sealSecret(TOKEN, short), 'SEALED.KEY_INVALID', [TOKEN, short], /got 12 bytes/);
    refused(() => openSealedSecret(sealSecret(TOKEN, generateSealingKey()), short), 'SEALED.KEY_INVALID', [TOKEN, short]);
    const notB64 = 'this is not base64 at all!!';
    refused(() => parseKey(notB64), 'SEALED.KEY_INVALID', [notB64], /not base64/);
    refused(() => parseKey(''), 'SEALED.KEY_INVALID', [], /empty key/);
  });

  test('a file that is not sealed is refused without quoting it', () => {
    const key = generateSealingKey();
    // someone points the service at the plain token file
    refused(() => openSealedSecret(`${TOKEN}\n`, key), 'SEALED.NOT_SEALED', [TOKEN, key], /^the sealed file is not a sacp-sealed file/);
    refused(() => openSealedSecret(JSON.stringify({ token: TOKEN }), key), 'SEALED.NOT_SEALED', [TOKEN, key]);
    refused(() => openSealedSecret('[]', key), 'SEALED.NOT_SEALED', [key]);
    const body = JSON.parse(sealSecret(TOKEN, key)) as Record<string, unknown>;
    refused(() => openSealedSecret(JSON.stringify({ ...body, version: 2 }), key), 'SEALED.UNSUPPORTED_VERSION', [key], /version 2/);
    refused(() => openSealedSecret(JSON.stringify({ ...body, iv: 'AAAA' }), key), 'SEALED.NOT_SEALED', [key], /"iv" must be 12 bytes/);
  });

  test('nothing to seal is refused', () => {
    refused(() => sealSecret('', generateSealingKey()), 'SEALED.INVALID_INPUT', []);
  });

  test('files: the sealed file and the key file', () => {
    const key = generateSealingKey();
    const keyFile = join(dir, 'key');
    const sealed = join(dir, 'token.sealed');
    writeFileSync(keyFile, `${key}\n`);
    writeFileSync(sealed, sealSecret(TOKEN, key));
    assert.equal(readSealingKeyFile(keyFile), key);
    assert.equal(readSealedSecretFile(sealed, readSealingKeyFile(keyFile), 'discord-token'), TOKEN);
    const e = refused(() => readSealedSecretFile(join(dir, 'absent'), key, 'discord-token'), 'SEALED.UNREADABLE', [key]);
    assert.match(e.message, /cannot read the sealed file .*absent: no such file/);
    const w = refused(() => readSealedSecretFile(sealed, generateSealingKey(), 'discord-token'), 'SEALED.WRONG_KEY', [TOKEN, key]);
    assert.ok(w.message.startsWith(`${sealed}: `), w.message);
    const badKey = join(dir, 'bad-key');
    writeFileSync(badKey, 'c2hvcnQ=\n');
    refused(() => readSealingKeyFile(badKey), 'SEALED.KEY_INVALID', ['c2hvcnQ='], /got 5 bytes/);
  });
});
