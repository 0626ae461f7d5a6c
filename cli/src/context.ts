import type { Command } from 'commander';
import { ControlPlaneClient } from './bus';
import type { CliEnvironment } from './config';

/** Where a command writes; process streams in production, the same in tests (they run the binary). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** a line about work in progress: shown on an interactive terminal only, never in pipes or --json output */
  progress: (text: string) => void;
  stdin: NodeJS.ReadStream;
}

export const processIo = (): Io => ({
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  progress: (text) => void (process.stderr.isTTY && process.stderr.write(text)),
  stdin: process.stdin,
});

/** Options every command accepts, set before or after the command name. */
export interface GlobalOptions {
  nats?: string;
  natsCredentials?: string;
  commandId?: string;
  /** seconds */
  timeout: number;
}

/** What one command invocation works with: its settings, its output and its client. */
export class CliContext {
  readonly client: ControlPlaneClient;
  readonly timeoutMs: number;
  private readonly startedAt = Date.now();

  constructor(
    readonly env: CliEnvironment,
    readonly io: Io,
    readonly globals: GlobalOptions,
  ) {
    this.timeoutMs = Math.round(globals.timeout * 1000);
    const actor = { kind: 'cli' as const, id: env.actorId, displayName: env.actorId };
    this.client = new ControlPlaneClient({
      url: globals.nats ?? env.natsUrl,
      credentialsFile: globals.natsCredentials ?? env.natsCredentials,
      actor,
      source: env.source,
      requestTimeoutMs: this.timeoutMs,
      commandId: globals.commandId,
    });
  }

  static of(env: CliEnvironment, io: Io, command: Command): CliContext {
    return new CliContext(env, io, command.optsWithGlobals<GlobalOptions>());
  }

  /** When waiting for an agent gives up: `--timeout` seconds after the command began. */
  get deadline(): number {
    return this.startedAt + this.timeoutMs;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
