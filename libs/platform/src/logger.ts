import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import { logContext } from './log-context';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Keys whose values are never written, whatever logs them. */
const SECRET_KEYS = /token|secret|password|api[_-]?key|authorization/i;

const isPlain = (value: object) => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * Fields as written: a secret-named key's value replaced, an Error reduced to its name,
 * message and code (a stack is noise in an operator's log, and may quote input). Only
 * plain objects and arrays are walked: anything else (pino-http's request and response)
 * is left to pino's serializers.
 */
function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message, code: (value as { code?: string }).code };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (!isPlain(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '[redacted]' : redact(v, depth + 1)]));
}

/** Values (not keys) never written: registered with `JsonLogger.redactValue`, process-wide. Longest first. */
let secretValues: string[] = [];
const MIN_SECRET_LENGTH = 8;

/** `value` as it appears inside a JSON string, escaped `depth` times (a JSON text quoted inside another). */
function jsonEscaped(value: string, depth: number): string {
  let v = value;
  for (let i = 0; i < depth; i++) v = JSON.stringify(v).slice(1, -1);
  return v;
}

function redactLine(line: string): string {
  let out = line;
  for (const secret of secretValues) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  return out;
}

const ERROR = 50; // pino's number for 'error' ('fatal' is above it)

/**
 * stdout, errors on stderr. Written synchronously, through whatever `process.stdout.write`
 * is at the time (a crash loses no line, and a test can capture them).
 */
function destination(): DestinationStream {
  const stream = {
    [Symbol.for('pino.metadata')]: true,
    lastLevel: 0,
    write(line: string) {
      (stream.lastLevel >= ERROR ? process.stderr : process.stdout).write(line);
    },
  };
  return stream;
}

/**
 * The process's pino logger. Lines keep the shape operators and tests read:
 * `{"level":"info","ts":"<ISO>","service":"…", …fields, "msg":"…"}`, with the fields of
 * the unit of work running (`logContext()`: a command's `correlationId` and
 * `commandId`) on every line, secret-named keys and registered secret values redacted.
 */
export function createPino(service: string, level: LogLevel | 'silent' = 'info'): Pino {
  return pino(
    {
      level,
      base: { service },
      messageKey: 'msg',
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redact(fields) as Record<string, unknown>,
      },
      mixin: () => ({ ...logContext() }),
      hooks: { streamWrite: (line) => (secretValues.length ? redactLine(line) : line) },
    },
    destination(),
  );
}

/**
 * The logger every part of a service is handed: structured JSON lines through pino (see
 * `createPino`), with the `write(level, msg, fields)` shape the code calls, and Nest's
 * `LoggerService` so Nest's own lines go the same way.
 */
export class JsonLogger implements LoggerService {
  /**
   * Registers a secret (e.g. the Discord bot token once opened) that no log line of
   * this process may contain: wherever it appears in a line written afterwards (the
   * message, an error's message, any field), it is written as `[redacted]`. Values
   * shorter than 8 characters are ignored: replacing them would mangle ordinary text.
   */
  static redactValue(value: string): void {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
    const forms = new Set(secretValues);
    // raw, and as JSON.stringify writes it: once, and twice (JSON quoted inside a message)
    for (let depth = 0; depth <= 2; depth++) forms.add(jsonEscaped(value, depth));
    secretValues = [...forms].sort((a, b) => b.length - a.length);
  }

  /** The pino logger underneath (handed to nestjs-pino, so HTTP request lines share it). */
  readonly pino: Pino;

  constructor(service: string, level: LogLevel = 'info') {
    this.pino = createPino(service, level);
  }

  write(level: LogLevel, msg: string, extra: Record<string, unknown> = {}): void {
    this.pino[level](extra, msg);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', String(message), context(rest));
  }
  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', String(message), context(rest));
  }
  info(msg: string, extra?: Record<string, unknown>): void {
    this.write('info', msg, extra);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', String(message), context(rest));
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', String(message), context(rest));
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('debug', String(message), context(rest));
  }
}

function context(rest: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of rest) {
    if (typeof r === 'string') out.context = r;
    else if (r && typeof r === 'object') Object.assign(out, r);
  }
  return out;
}
