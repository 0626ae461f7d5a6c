import { BusError, isUndelivered, RequestTooLargeError } from '@sacp/bus';
import type { WireError } from '@sacp/events';

/** The CLI's exit codes: what a script can branch on. */
export const ExitCode = {
  OK: 0,
  /** the control plane refused the command, or the operation failed or timed out */
  FAILED: 1,
  /** the command line itself is wrong */
  USAGE: 2,
  /** NATS or the orchestrator cannot be reached */
  UNREACHABLE: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the CLI reports as `sacp: <message>` and exits with `exitCode`. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly code: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class UsageError extends CliError {
  override readonly name = 'UsageError';
  /** `command`: the command whose --help explains the mistake, e.g. "sacp deploy" */
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message, ExitCode.USAGE, 'USAGE');
  }
}

/**
 * The control plane answered, and said no (or the operation it carried out failed):
 * exit 1, naming the CLI command (`what`). Or the request never got an answer: the
 * bus's own words, exit 3 (1 for a request too large to send).
 */
export const refused = (error: WireError, what: string) => {
  if (isUndelivered(error)) return new CliError(`${error.code}: ${error.message}`, error.code === 'REQUEST.TOO_LARGE' ? ExitCode.FAILED : ExitCode.UNREACHABLE, error.code);
  const hint = refusalHint(error);
  return new CliError(`${what}: ${error.code}: ${error.message}${hint ? `\n${hint}` : ''}`, ExitCode.FAILED, error.code);
};

function refusalHint(error: WireError): string | null {
  const issues = (error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues;
  if (error.code === 'COMMAND.MALFORMED' && issues?.length) return issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
  return null;
}

/** Maps anything thrown while running a command to what the user sees and the exit code. */
export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof BusError) return new CliError(`${err.code}: ${err.message}`, ExitCode.UNREACHABLE, err.code, { cause: err });
  if (err instanceof RequestTooLargeError) return new CliError(`${err.code}: ${err.message}`, ExitCode.FAILED, err.code, { cause: err });
  const e = err as Error;
  return new CliError(`INTERNAL: ${e?.message ?? String(err)}`, ExitCode.FAILED, 'INTERNAL', { cause: err });
}
