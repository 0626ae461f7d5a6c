import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ConfigError, readConfig, JsonLogger } from '@sacp/platform';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.redaction-test-token-value-0123';

/** Everything written to stdout and stderr while `fn` runs (synchronously). */
function capture(fn: () => void): { out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  // saved unbound on purpose: the very same functions are put back in `finally`
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const stdoutWrite = process.stdout.write;
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const stderrWrite = process.stderr.write;
  process.stdout.write = (chunk: string | Uint8Array) => (out.push(String(chunk)), true);
  process.stderr.write = (chunk: string | Uint8Array) => (err.push(String(chunk)), true);
  try {
    fn();
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
  return { out: out.join(''), err: err.join('') };
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration errors never echo secrets', () => {
  const schema = z.object({
    DISCORD_TOKEN: z.string().regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, 'expected a Discord bot token: three dot-separated parts'),
    WEBHOOK_SECRET: z.string().refine((v) => v.length > 100, { message: 'too short' }),
    API_KEY: z.string().min(200),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'expected postgres://user:password@host:port/database'),
    NATS_URL: z.string().regex(/^nats:\/\//, 'expected nats://host:port'),
  });

  test('an invalid token is named, its value is not', () => {
    const bad = `${TOKEN} with spaces`;
    const e = configError(() =>
      readConfig('discord-gateway', schema, {
        DISCORD_TOKEN: bad,
        WEBHOOK_SECRET: 'hunter2-secret-value',
        API_KEY: 'an-api-key-of-some-length',
        DATABASE_URL: 'postgress://sacp:db-password-42@127.0.0.1:5432/sacp',
        NATS_URL: 'http://wrong',
      }),
    );
    assert.match(e.message, /^discord-gateway cannot start; fix its environment:/);
    assert.match(e.message, /DISCORD_TOKEN=\[redacted\] is invalid: expected a Discord bot token: three dot-separated parts/);
    assert.match(e.message, /WEBHOOK_SECRET=\[redacted\] is invalid: too short/);
    assert.match(e.message, /API_KEY=\[redacted\] is invalid: /);
    for (const secret of [TOKEN, 'hunter2-secret-value', 'an-api-key-of-some-length', 'db-password-42']) {
      assert.ok(!e.message.includes(secret), `the error echoes a secret: ${e.message}`);
    }
    // other values are still shown, a URL's password excepted
    assert.match(e.message, /NATS_URL="http:\/\/wrong" is invalid: expected nats:\/\/host:port/);
    assert.match(e.message, /DATABASE_URL="postgress:\/\/sacp:\[redacted\]@127\.0\.0\.1:5432\/sacp" is invalid/);
  });

  test('a missing token is said to be not set', () => {
    const e = configError(() => readConfig('x', z.object({ DISCORD_TOKEN: z.string({ error: 'the bot token' }) }), {}));
    assert.match(e.message, /DISCORD_TOKEN is not set \(the bot token\)/);
  });
});

describe('JsonLogger.redactValue', () => {
  test('a registered value is written as [redacted] in the message, errors and any field', () => {
    JsonLogger.redactValue(TOKEN);
    const log = new JsonLogger('discord-gateway', 'debug');
    const { out, err } = capture(() => {
      log.info(`logging in with ${TOKEN}`, { attempt: 1 });
      log.warn('login failed', { error: new Error(`bad token ${TOKEN}`) });
      log.error('gave up', { detail: { nested: [`x${TOKEN}y`] }, header: `Bot ${TOKEN}` });
      log.log(`quoted: "${TOKEN}"`, 'DiscordClient');
      log.debug(JSON.stringify({ body: `Bot ${TOKEN}` }));
    });
    const all = out + err;
    assert.ok(!all.includes(TOKEN), `a log line holds the token:\n${all}`);
    const parse = (text: string) =>
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const outLines = parse(out);
    assert.equal(outLines.length, 4);
    const [info, warn, nest, debug] = outLines as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    const [error] = parse(err) as [Record<string, unknown>];
    assert.equal(info.msg, 'logging in with [redacted]');
    assert.equal(info.attempt, 1);
    assert.deepEqual(warn.error, { name: 'Error', message: 'bad token [redacted]' });
    assert.deepEqual(error.detail, { nested: ['x[redacted]y'] });
    assert.equal(error.header, 'Bot [redacted]');
    assert.equal(nest.msg, 'quoted: "[redacted]"');
    assert.equal(nest.context, 'DiscordClient');
    assert.equal(debug.msg, '{"body":"Bot [redacted]"}');
    assert.match(err, /"msg":"gave up"/, 'errors still go to stderr');
  });

  test('values needing JSON escapes are redacted too', () => {
    const awkward = 'pa"ss\\word\nwith-escapes';
    JsonLogger.redactValue(awkward);
    const { out } = capture(() => new JsonLogger('svc').info(`value ${awkward}`, { field: awkward }));
    assert.ok(!out.includes(JSON.stringify(awkward).slice(1, -1)), out);
    const line = JSON.parse(out) as Record<string, unknown>;
    assert.equal(line.msg, 'value [redacted]');
    assert.equal(line.field, '[redacted]');
  });

  test('short values are ignored, and key-based redaction still applies', () => {
    JsonLogger.redactValue('info');
    const { out } = capture(() => new JsonLogger('svc').info('info line', { password: 'whatever', apiKey: 'k', note: 'info' }));
    const line = JSON.parse(out) as Record<string, unknown>;
    assert.equal(line.level, 'info');
    assert.equal(line.msg, 'info line');
    assert.equal(line.note, 'info');
    assert.equal(line.password, '[redacted]');
    assert.equal(line.apiKey, '[redacted]');
  });
});
