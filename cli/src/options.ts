import { InvalidArgumentError } from 'commander';
import type { z } from 'zod';
import { validate } from '@sacp/events';
import { UsageError } from './errors';

/** `--timeout S`: seconds, fractions allowed. */
export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 24 * 3600) throw new InvalidArgumentError('expected a number of seconds greater than 0, e.g. 30');
  return n;
}

export const parseCount =
  (max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
    return n;
  };

/** Checks a value against the wire contract before sending, so a typo is a usage error (exit 2), not a round trip. */
export function checkLocally<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const v = validate(schema, value);
  if (!v.ok) throw new UsageError(`invalid ${what}: ${v.issues.map((i) => i.message).join('; ')}`);
  return v.value;
}

/** Options of the commands that change an agent. */
export interface ChangeOptions {
  reason?: string;
  /** commander's `--no-wait` sets wait: false */
  wait: boolean;
  json?: boolean;
  /** rm only: remove the agent's volumes too */
  volumes?: boolean;
}

export const REASON_HELP = 'why: recorded in the audit trail and shown by "sacp history"';
