import type { LoggerService } from '@nestjs/common';

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

/** Structured JSON logs, one line each, on stdout (errors on stderr). */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly level: Level = 'info',
  ) {}

  write(level: Level, msg: string, extra: Record<string, unknown> = {}): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const line = JSON.stringify({ ts: new Date().toISOString(), level, service: this.service, msg, ...(redact(extra) as object) });
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
