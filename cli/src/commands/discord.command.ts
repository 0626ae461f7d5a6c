import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_SEALED_LABEL, generateSealingKey, openSealedSecret, parseKey, sealSecret, SealedSecretError } from '@sacp/platform';
import type { CliContext } from '../context';
import { CliError, ExitCode, UsageError } from '../errors';
import { promptHidden } from '../prompt';
import type { Runtime } from '../runtime';

/** The largest token input accepted: a bot token is one line of about 70 characters. */
const MAX_TOKEN_INPUT = 64 * 1024;

interface KeyOptions {
  keyFile?: string;
  keyEnv?: string;
}

/**
 * `sacp discord ...`: the Discord bot token's safety. The token is sealed (AES-256-GCM)
 * into a file under a key kept elsewhere; these commands never print the token or the
 * key (except `keygen` without --out, which prints the new key, as asked). None of
 * them talks to NATS: the context's client connects only on first use.
 */
export function registerDiscord(program: Command, rt: Runtime): void {
  const discord = program.command('discord').summary('seal the Discord bot token into a file only its key opens');

  discord
    .command('keygen')
    .summary('make a new sealing key (32 random bytes, base64)')
    .description('Makes a new sealing key. Without --out it is printed on stdout; with --out it is written to a new file readable by you only (mode 600).')
    .option('--out <file>', 'write the key to this new file (mode 600) instead of printing it; an existing file is not replaced')
    .addHelpText(
      'after',
      `
Examples:
  $ sacp discord keygen --out ~/.config/sacp/discord.key
  $ sacp discord keygen          # prints the key: store it in your secret manager`,
    )
    .action(rt.action(keygen));

  discord
    .command('seal-token')
    .summary('seal the bot token, read from stdin, into a file (mode 600)')
    .description(
      'Reads the Discord bot token from stdin (surrounding whitespace is dropped; typed without echo on a terminal), seals it under the key and writes the sealed file with mode 600. The token is never printed.',
    )
    .option('--key-file <file>', 'the sealing key, in a file (from "sacp discord keygen --out")')
    .option('--key-env <VAR>', 'the sealing key, in this environment variable')
    .requiredOption('--out <file>', 'where to write the sealed token (replaced if it exists)')
    .addHelpText(
      'after',
      `
Examples:
  $ sacp discord seal-token --key-file ~/.config/sacp/discord.key --out discord-token.sealed
  $ pass show discord/bot | sacp discord seal-token --key-env DISCORD_TOKEN_KEY --out discord-token.sealed`,
    )
    .action(rt.action(sealToken));

  discord
    .command('open-check')
    .summary('check that a sealed token file opens with a key (prints nothing of the token)')
    .option('--key-file <file>', 'the sealing key, in a file')
    .option('--key-env <VAR>', 'the sealing key, in this environment variable')
    .requiredOption('--file <file>', 'the sealed token file')
    .addHelpText(
      'after',
      `
Examples:
  $ sacp discord open-check --key-file ~/.config/sacp/discord.key --file discord-token.sealed`,
    )
    .action(rt.action(openCheck));
}

async function keygen(ctx: CliContext, o: { out?: string }): Promise<void> {
  const key = generateSealingKey();
  if (o.out === undefined) return ctx.io.out(`${key}\n`);
  const out = resolve(o.out);
  try {
    await writeFile(out, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new UsageError(`--out ${o.out} already exists: a key is not replaced (files sealed with it would no longer open); remove it first or choose another file`);
    throw new CliError(`cannot write --out ${o.out}: ${describeFsError(err)}`, ExitCode.FAILED, 'DISCORD.WRITE_FAILED');
  }
  ctx.io.out(`wrote a new sealing key to ${out} (mode 600)\nnext: sacp discord seal-token --key-file ${out} --out <sealed-file>\n`);
}

async function sealToken(ctx: CliContext, o: KeyOptions & { out: string }): Promise<void> {
  const key = await readKey(o);
  const raw = ctx.io.stdin.isTTY ? await promptHidden(ctx, 'Discord bot token') : await readAll(ctx.io.stdin);
  const token = raw.trim();
  if (!token) throw new UsageError('the token is empty: pipe the bot token on stdin, e.g. sacp discord seal-token ... < token.txt');
  if (/\s/.test(token)) throw new UsageError('the token contains whitespace: give the bot token alone, on one line');
  const sealed = sealOrExplain(() => sealSecret(token, key, DEFAULT_SEALED_LABEL));
  const out = resolve(o.out);
  await writePrivate(out, sealed, o.out);
  const keyUse = o.keyFile !== undefined ? `DISCORD_TOKEN_KEY_FILE=${resolve(o.keyFile)}` : `DISCORD_TOKEN_KEY_FILE=<a file (mode 600) holding the key in $${o.keyEnv}>`;
  ctx.io.out(
    `sealed the token (${token.length} characters) into ${out} (mode 600)\n` +
      `give the Discord gateway the file and its key:\n` +
      `  DISCORD_TOKEN_FILE=${out} ${keyUse}\n` +
      `keep the key apart from the sealed file; check with: sacp discord open-check ${keyFlag(o)} --file ${out}\n`,
  );
}

async function openCheck(ctx: CliContext, o: KeyOptions & { file: string }): Promise<void> {
  const key = await readKey(o);
  let text: string;
  try {
    text = await readFile(o.file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --file ${o.file}: ${describeFsError(err)}`);
  }
  const token = sealOrExplain(() => openSealedSecret(text, key, DEFAULT_SEALED_LABEL), o.file);
  ctx.io.out(`the file opens with this key (token of ${token.length} characters)\n`);
}

/** The key from --key-file or --key-env (exactly one), checked; never echoed. */
async function readKey(o: KeyOptions): Promise<string> {
  if ((o.keyFile === undefined) === (o.keyEnv === undefined)) throw new UsageError('give the sealing key with exactly one of --key-file <file> or --key-env <VAR>');
  let key: string;
  let from: string;
  if (o.keyFile !== undefined) {
    from = `--key-file ${o.keyFile}`;
    try {
      key = await readFile(o.keyFile, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --key-file ${o.keyFile}: ${describeFsError(err)}`);
    }
  } else {
    const name = o.keyEnv!;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--key-env takes the name of an environment variable, e.g. DISCORD_TOKEN_KEY`);
    from = `$${name}`;
    // the one variable the user named: read here rather than in cli/src/config.ts, which reads a fixed set
    const value = process.env[name];
    if (value === undefined || value.trim() === '') throw new UsageError(`$${name} (--key-env) is not set`);
    key = value;
  }
  try {
    parseKey(key);
  } catch (err) {
    if (err instanceof SealedSecretError) throw new UsageError(`${from}: ${err.message}`);
    throw err;
  }
  return key.trim();
}

/** Runs a sealing operation; its errors (which never hold the token or key) become CLI errors. */
function sealOrExplain<T>(fn: () => T, file?: string): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof SealedSecretError)) throw err;
    const message = file ? `${file}: ${err.message}` : err.message;
    if (err.code === 'SEALED.KEY_INVALID' || err.code === 'SEALED.INVALID_INPUT') throw new UsageError(message);
    throw new CliError(message, ExitCode.FAILED, err.code);
  }
}

/** Writes `text` to `out` with mode 600, atomically: a temporary file beside it, then a rename. */
async function writePrivate(out: string, text: string, given: string): Promise<void> {
  const tmp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
    await rename(tmp, out);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new CliError(`cannot write --out ${given}: ${describeFsError(err)}`, ExitCode.FAILED, 'DISCORD.WRITE_FAILED');
  }
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return code ?? (err as Error).message;
}

const keyFlag = (o: KeyOptions): string => (o.keyFile !== undefined ? `--key-file ${resolve(o.keyFile)}` : `--key-env ${o.keyEnv}`);

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += buf.length;
    if (size > MAX_TOKEN_INPUT) throw new UsageError('stdin holds more than 64 KiB: give the bot token alone, on one line');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
