import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../../support/service-process';

export const SACP_BIN = resolve(REPO_ROOT, 'bin/sacp.js');

export interface SacpResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SacpOptions {
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
}

/** The environment a user's shell would give the CLI: nothing of the test process leaks in. */
export const cliEnv = (extra: Record<string, string> = {}): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...extra });

/** Runs `node bin/sacp.js ...args` as a user would and collects what it printed and its exit code. */
export function sacp(args: string[], o: SacpOptions = {}): Promise<SacpResult> {
  const child = spawnSacp(args, o);
  if (o.input !== undefined) child.stdin!.end(o.input);
  else child.stdin!.end();
  return collect(child, o.timeoutMs ?? 60_000, args);
}

export function spawnSacp(args: string[], o: SacpOptions = {}): ChildProcess & { out: string[]; err: string[] } {
  const child = spawn(process.execPath, [SACP_BIN, ...args], { cwd: REPO_ROOT, env: cliEnv(o.env), stdio: ['pipe', 'pipe', 'pipe'] }) as ChildProcess & {
    out: string[];
    err: string[];
  };
  child.out = [];
  child.err = [];
  child.stdout!.on('data', (d: Buffer) => child.out.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => child.err.push(d.toString()));
  return child;
}

export function collect(child: ChildProcess & { out: string[]; err: string[] }, timeoutMs: number, args: string[] = []): Promise<SacpResult> {
  return new Promise((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`sacp ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout: ${child.out.join('')}\nstderr: ${child.err.join('')}`));
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout: child.out.join(''), stderr: child.err.join('') });
    });
  });
}

/** A readable failure message: the command's whole output. */
export const explain = (r: SacpResult): string => `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;

/** The rows of a table the CLI printed, as objects keyed by its header. */
export function parseTable(text: string): Record<string, string>[] {
  const [header = '', ...lines] = text.trimEnd().split('\n');
  const starts = [...header.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ name: m[0], at: m.index }));
  return lines.map((line) => Object.fromEntries(starts.map((c, i) => [c.name, line.slice(c.at, starts[i + 1]?.at).trim()])));
}
