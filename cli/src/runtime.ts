import type { Command } from 'commander';
import type { CliEnvironment } from './config';
import { CliContext, type Io } from './context';
import { UsageError } from './errors';

/** What command modules register with: the environment, the output, and a way to wrap actions. */
export class Runtime {
  constructor(
    readonly env: CliEnvironment,
    readonly io: Io,
  ) {}

  /**
   * Adapts `fn(ctx, ...arguments, options)` to commander's action signature. The
   * context (and its bus connection) is closed when the action ends, however it ends.
   */
  action<A extends unknown[]>(fn: (ctx: CliContext, ...args: A) => Promise<void>): (...args: unknown[]) => Promise<void> {
    return async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const ctx = CliContext.of(this.env, this.io, command);
      try {
        await fn(ctx, ...(args.slice(0, -1) as A));
      } catch (err) {
        // name the command whose help explains the mistake
        if (err instanceof UsageError && !err.command) throw new UsageError(err.message, commandPath(command));
        throw err;
      } finally {
        await ctx.close();
      }
    };
  }
}

/** "sacp templates validate" for the validate subcommand. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
