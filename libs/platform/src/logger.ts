import type { LoggerService } from '@nestjs/common';
import { logContext } from './log-context';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values are never written, whatever logs them. */
const SECRET_KEYS = /token|secret|password|api[_-]?key|authorization/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message, code: (value as { code?: string }).code };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
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

/** Structured JSON logs, one line each, on stdout (errors on stderr). */
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

  constructor(
    private readonly service: string,
    private readonly level: Level = 'info',
  ) {}

  write(level: Level, msg: string, extra: Record<string, unknown> = {}): void {
    if (ORDER[level] < ORDER[this.level]) return;
    let line = JSON.stringify({ ts: new Date().toISOString(), level, service: this.service, ...logContext(), msg, ...(redact(extra) as object) });
    if (secretValues.length) line = redactLine(line);
    (level === 'error' ? process.stderr : process.stdout).write(line + '\n');
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
