import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, waitFor } from './ports';
import { REPO_ROOT, distFile } from './repo-root';

export { REPO_ROOT };

/** One control-plane service run as a real process from dist/, with its logs kept for assertions. */
export class ServiceProcess {
  proc: ChildProcess | null = null;
  readonly output: string[] = [];
  port = 0;

  constructor(
    readonly service: string,
    private readonly env: Record<string, string>,
    private readonly portVar: string,
  ) {}

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get logs(): string {
    return this.output.join('');
  }

  async start(options: { waitReady?: boolean } = {}): Promise<void> {
    this.port = await freePort();
    const proc = spawn(process.execPath, [distFile('apps', this.service, 'main.js')], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.env, [this.portVar]: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    proc.stdout.on('data', (d: Buffer) => this.output.push(d.toString()));
    proc.stderr.on('data', (d: Buffer) => this.output.push(d.toString()));
    if (options.waitReady === false) return;
    await waitFor(
      `${this.service} to be ready`,
      async () => {
        if (proc.exitCode !== null) throw new Error(`${this.service} exited with ${proc.exitCode}:\n${this.logs.slice(-3000)}`);
        const res = await fetch(`http://127.0.0.1:${this.port}/health/ready`).catch(() => null);
        return res?.status === 200;
      },
      30_000,
      100,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n--- ${this.service} output ---\n${this.logs.slice(-3000)}`);
    });
  }

  /** Resolves with the exit code once the process has ended. */
  async exited(timeoutMs = 15_000): Promise<number | null> {
    const p = this.proc;
    if (!p) return null;
    if (p.exitCode !== null || p.signalCode !== null) return p.exitCode;
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error(`${this.service} did not exit within ${timeoutMs} ms`)), timeoutMs);
      p.once('exit', (code) => (clearTimeout(t), res(code)));
    });
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const done = new Promise<void>((res) => p.once('exit', () => res()));
    p.kill(signal);
    await done;
    this.proc = null;
  }
}

export { freePort };
