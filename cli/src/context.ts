import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { BusClient, QueryBody } from '@sacp/bus';
import type { CommandPayload, CommandReply, CommandResult, CommandType, QueryRequest, QueryResult, QueryType } from '@sacp/events';
import { cliBus } from './bus';
import type { CliEnvironment } from './config';
import { refused } from './errors';

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

export type AcceptedReply<R> = Extract<CommandReply<R>, { ok: true }>;

/** What one command invocation works with: its settings, its output and its bus client. */
export class CliContext {
  readonly bus: BusClient;
  /** the id of the (single) command this invocation sends; a retry with the same id (--command-id) is idempotent */
  readonly commandId: string;
  readonly timeoutMs: number;
  private readonly startedAt = Date.now();

  constructor(
    readonly env: CliEnvironment,
    readonly io: Io,
    readonly globals: GlobalOptions,
  ) {
    this.timeoutMs = Math.round(globals.timeout * 1000);
    const actor = { kind: 'cli' as const, id: env.actorId, displayName: env.actorId };
    this.commandId = globals.commandId ?? randomUUID();
    this.bus = cliBus({
      url: globals.nats ?? env.natsUrl,
      credentialsFile: globals.natsCredentials ?? env.natsCredentials,
      actor,
      source: env.source,
      requestTimeoutMs: this.timeoutMs,
    });
  }

  /** Sends this invocation's command; the accepted reply, or a CliError when it is refused (exit 1) or the bus fails (exit 3). */
  async command<K extends CommandType>(type: K, payload: CommandPayload<K>, o: { reason?: string; what?: string } = {}): Promise<AcceptedReply<CommandResult<K>>> {
    const reply = await this.bus.send(type, payload, { commandId: this.commandId, ...(o.reason ? { reason: o.reason } : {}) });
    if (!reply.ok) throw refused(reply.error, o.what ?? type);
    return reply;
  }

  /** A query's result, or a CliError when the control plane answers with an error (exit 1) or the bus fails (exit 3). */
  async query<Q extends QueryType, B extends QueryRequest<Q>>(type: Q, body: QueryBody<Q, B>, what: string = type): Promise<QueryResult<Q, B>> {
    const reply = await this.bus.query(type, body);
    if (!reply.ok) throw refused(reply.error, what);
    return reply.result;
  }

  static of(env: CliEnvironment, io: Io, command: Command): CliContext {
    return new CliContext(env, io, command.optsWithGlobals<GlobalOptions>());
  }

  /** When waiting for an agent gives up: `--timeout` seconds after the command began. */
  get deadline(): number {
    return this.startedAt + this.timeoutMs;
  }

  async close(): Promise<void> {
    await this.bus.close();
  }
}
