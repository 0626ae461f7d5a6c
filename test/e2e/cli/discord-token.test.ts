import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { generateSealingKey, openSealedSecret, sealSecret } from '@sacp/platform';
import { explain, sacp, type SacpResult } from './sacp';

const TOKEN = 'MTE5ODc2NTQzMjEwOTg3NjU0.Gx1y2z.e2e-discord-token-value-abcdefghijklmnop';

/** The CLI printed nothing of the token (or of `more`, e.g. the key). */
function leaksNothing(r: SacpResult, more: string[] = []): void {
  for (const s of [TOKEN, ...more]) {
    assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), `the CLI printed a secret\n${explain(r)}`);
  }
}

const mode = (file: string) => statSync(file).mode & 0o777;

/** The Discord token commands: no NATS (an unreachable --nats proves they never connect). */
describe('sacp discord: sealing the bot token', () => {
  let dir: string;
  const NO_NATS = ['--nats', 'nats://127.0.0.1:1'];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sacp-discord-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('keygen prints a key, or writes one with mode 600 and will not replace it', async () => {
    const printed = await sacp([...NO_NATS, 'discord', 'keygen']);
    assert.equal(printed.code, 0, explain(printed));
    assert.match(printed.stdout, /^[A-Za-z0-9+/]{43}=\n$/);
    assert.equal(Buffer.from(printed.stdout.trim(), 'base64').length, 32);

    const keyFile = join(dir, 'keygen.key');
    const written = await sacp([...NO_NATS, 'discord', 'keygen', '--out', keyFile]);
    assert.equal(written.code, 0, explain(written));
    assert.equal(mode(keyFile), 0o600);
    const key = readFileSync(keyFile, 'utf8').trim();
    assert.equal(Buffer.from(key, 'base64').length, 32);
    leaksNothing(written, [key]);
    assert.match(written.stdout, /wrote a new sealing key to .*keygen\.key \(mode 600\)/);

    const again = await sacp([...NO_NATS, 'discord', 'keygen', '--out', keyFile]);
    assert.equal(again.code, 2, explain(again));
    assert.match(again.stderr, /already exists/);
    assert.equal(readFileSync(keyFile, 'utf8').trim(), key, 'the key was not replaced');
  });

  test('seal-token seals stdin into a 600 file that opens with the key, printing nothing secret', async () => {
    const keyFile = join(dir, 'seal.key');
    assert.equal((await sacp(['discord', 'keygen', '--out', keyFile])).code, 0);
    const key = readFileSync(keyFile, 'utf8');
    const out = join(dir, 'token.sealed');

    const r = await sacp([...NO_NATS, 'discord', 'seal-token', '--key-file', keyFile, '--out', out], { input: `  ${TOKEN}\n` });
    assert.equal(r.code, 0, explain(r));
    leaksNothing(r, [key.trim()]);
    assert.equal(mode(out), 0o600);
    const text = readFileSync(out, 'utf8');
    assert.ok(!text.includes(TOKEN));
    assert.equal(openSealedSecret(text, key), TOKEN, 'the token, trimmed');
    assert.ok(r.stdout.includes(`DISCORD_TOKEN_FILE=${out} DISCORD_TOKEN_KEY_FILE=${keyFile}`), r.stdout);
    leaksNothing(r, [(JSON.parse(text) as { ciphertext: string }).ciphertext]);

    // resealing replaces the file, still 600
    const again = await sacp(['discord', 'seal-token', '--key-file', keyFile, '--out', out], { input: TOKEN });
    assert.equal(again.code, 0, explain(again));
    assert.equal(mode(out), 0o600);
    assert.equal(openSealedSecret(readFileSync(out, 'utf8'), key), TOKEN);

    // open-check says it opens, and only the length
    const check = await sacp([...NO_NATS, 'discord', 'open-check', '--key-file', keyFile, '--file', out]);
    assert.equal(check.code, 0, explain(check));
    assert.equal(check.stdout, `the file opens with this key (token of ${TOKEN.length} characters)\n`);
    leaksNothing(check, [key.trim(), TOKEN.slice(-4)]);
  });

  test('--key-env reads the key from the variable named', async () => {
    const key = generateSealingKey();
    const out = join(dir, 'env.sealed');
    const r = await sacp(['discord', 'seal-token', '--key-env', 'MY_SEAL_KEY', '--out', out], { input: TOKEN, env: { MY_SEAL_KEY: key } });
    assert.equal(r.code, 0, explain(r));
    leaksNothing(r, [key]);
    assert.equal(openSealedSecret(readFileSync(out, 'utf8'), key), TOKEN);
    const check = await sacp(['discord', 'open-check', '--key-env', 'MY_SEAL_KEY', '--file', out], { env: { MY_SEAL_KEY: key } });
    assert.equal(check.code, 0, explain(check));

    const unset = await sacp(['discord', 'open-check', '--key-env', 'MY_SEAL_KEY', '--file', out]);
    assert.equal(unset.code, 2, explain(unset));
    assert.match(unset.stderr, /^sacp: \$MY_SEAL_KEY \(--key-env\) is not set/);
  });

  test('the wrong key exits 1 with a clear message and nothing secret', async () => {
    const key = generateSealingKey();
    const sealed = join(dir, 'wrong.sealed');
    writeFileSync(sealed, sealSecret(TOKEN, key), { mode: 0o600 });
    const wrongFile = join(dir, 'wrong.key');
    const wrong = generateSealingKey();
    writeFileSync(wrongFile, `${wrong}\n`, { mode: 0o600 });

    const r = await sacp([...NO_NATS, 'discord', 'open-check', '--key-file', wrongFile, '--file', sealed]);
    assert.equal(r.code, 1, explain(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^sacp: .*wrong\.sealed: the key does not open this file \(wrong key, or the file was changed\)\n$/);
    leaksNothing(r, [key, wrong, (JSON.parse(readFileSync(sealed, 'utf8')) as { ciphertext: string }).ciphertext]);

    // a plain token file instead of a sealed one: refused without quoting it
    const plain = join(dir, 'plain.txt');
    writeFileSync(plain, `${TOKEN}\n`);
    const p = await sacp(['discord', 'open-check', '--key-file', wrongFile, '--file', plain]);
    assert.equal(p.code, 1, explain(p));
    assert.match(p.stderr, /is not a sacp-sealed file/);
    leaksNothing(p, [wrong]);
  });

  test('usage errors: bad key, empty or spaced token, missing key option', async () => {
    const shortKey = join(dir, 'short.key');
    const short = Buffer.alloc(12, 1).toString('base64');
    writeFileSync(shortKey, `${short}\n`);
    const out = join(dir, 'never.sealed');
    const cases: [string[], string, RegExp][] = [
      [['--key-file', shortKey, '--out', out], TOKEN, /the key must be 32 bytes in base64 \(make one with `sacp discord keygen` or `openssl rand -base64 32`\); got 12 bytes/],
      [['--key-file', join(dir, 'absent.key'), '--out', out], TOKEN, /cannot read --key-file .*absent\.key: no such file/],
      [['--out', out], TOKEN, /exactly one of --key-file <file> or --key-env <VAR>/],
      [['--key-file', shortKey, '--key-env', 'X', '--out', out], TOKEN, /exactly one of/],
    ];
    const goodKey = join(dir, 'good.key');
    writeFileSync(goodKey, generateSealingKey());
    cases.push([['--key-file', goodKey, '--out', out], ' \n\n', /the token is empty/]);
    cases.push([['--key-file', goodKey, '--out', out], `${TOKEN.slice(0, 20)} ${TOKEN.slice(20)}\n`, /the token contains whitespace/]);
    for (const [args, input, expected] of cases) {
      const r = await sacp([...NO_NATS, 'discord', 'seal-token', ...args], { input });
      assert.equal(r.code, 2, `${args.join(' ')}: ${explain(r)}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, expected, explain(r));
      assert.match(r.stderr, /\(see "sacp discord seal-token --help"\)/);
      leaksNothing(r, [short, TOKEN.slice(0, 20), TOKEN.slice(20)]);
    }
    assert.throws(() => statSync(out), 'nothing was written');

    const help = await sacp(['discord', '--help']);
    assert.equal(help.code, 0, explain(help));
    for (const cmd of ['keygen', 'seal-token', 'open-check']) assert.match(help.stdout, new RegExp(`^  ${cmd}`, 'm'));
  });
});
