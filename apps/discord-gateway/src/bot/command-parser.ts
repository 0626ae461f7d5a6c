/*
 * Reads a command, whichever way it came: the words of a `!` message or a slash
 * command's options, checked against its spec (arguments present, numbers in range,
 * nothing unknown) and turned into the same ParsedCommand.
 */
import { ARG_LIMITS, specOf, usageLine, type ArgKind, type CommandSpec, type ParseResult, type ParsedCommand } from './command-specs';

/** Splits a command line into words; "double" or 'single' quotes group words. */
export function tokenize(text: string): { ok: true; words: string[] } | { ok: false; problem: string } {
  const words: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let inWord = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'" || ch === '“' || ch === '”') {
      quote = ch === '“' ? '”' : ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote) return { ok: false, problem: `a quote (${quote}) is not closed` };
  if (inWord) words.push(cur);
  return { ok: true, words };
}

/**
 * Checks and converts named arguments, whichever way they arrived (prefix words or
 * slash options): required ones present, numbers in range, nothing unknown.
 */
export function buildCommand(spec: CommandSpec, given: Partial<Record<ArgKind, string | number>>, flags: { yes?: boolean; reason?: string | null }, prefix = '!'): ParseResult {
  const usage = usageLine(spec, prefix);
  const args: ParsedCommand['args'] = {};
  for (const a of spec.args) {
    const v = given[a.name];
    if (v === undefined || v === '') {
      if (a.required) return { ok: false, problem: `${spec.name} needs ${a.name === 'agent' ? 'an agent' : `a ${a.name}`} (${a.description})`, usage };
      continue;
    }
    const limit = ARG_LIMITS[a.name];
    if (limit) {
      const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n) || n < limit.min || n > limit.max)
        return { ok: false, problem: `${a.name} must be a whole number from ${limit.min} to ${limit.max}, not "${v}"`, usage };
      args[a.name] = n;
    } else {
      const s = String(v);
      if (s.length > 100) return { ok: false, problem: `${a.name} is too long (${s.length} characters; at most 100)`, usage };
      args[a.name] = s;
    }
  }
  const reason = flags.reason?.trim() || null;
  if (reason && reason.length > 500) return { ok: false, problem: `the reason is too long (${reason.length} characters; at most 500)`, usage };
  return { ok: true, command: { spec, args, yes: flags.yes === true, reason } };
}

/** Parses `!deploy grok4 coder-1 --reason "sprint 12"`. Returns null when the text is not for the bot. */
export function parsePrefixed(content: string, prefix = '!'): ParseResult | null {
  const text = content.trim();
  if (!text.startsWith(prefix) || text.length === prefix.length) return null;
  const t = tokenize(text.slice(prefix.length));
  if (!t.ok) return { ok: false, problem: t.problem, usage: null };
  const [name, ...rest] = t.words;
  if (!name) return null;
  const spec = specOf(name.toLowerCase());
  if (!spec) return { ok: false, problem: `there is no command "${name}"; try ${prefix}help`, usage: null };
  const positional: string[] = [];
  let yes = false;
  let reason: string | null = null;
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (w === '--yes' || w === '-y') {
      if (!spec.destructive) return { ok: false, problem: `${spec.name} takes no --yes`, usage: usageLine(spec, prefix) };
      yes = true;
    } else if (w === '--reason' || w.startsWith('--reason=')) {
      if (!spec.takesReason) return { ok: false, problem: `${spec.name} takes no --reason`, usage: usageLine(spec, prefix) };
      const v = w.startsWith('--reason=') ? w.slice('--reason='.length) : rest[++i];
      if (v === undefined || v === '') return { ok: false, problem: '--reason needs a text, e.g. --reason "over budget"', usage: usageLine(spec, prefix) };
      reason = v;
    } else if (w.startsWith('--')) return { ok: false, problem: `${spec.name} has no option ${w}`, usage: usageLine(spec, prefix) };
    else positional.push(w);
  }
  if (positional.length > spec.args.length)
    return {
      ok: false,
      problem: `${spec.name} takes ${spec.args.length === 0 ? 'no arguments' : `at most ${spec.args.length} argument${spec.args.length === 1 ? '' : 's'}`}; got "${positional.slice(spec.args.length).join(' ')}" too`,
      usage: usageLine(spec, prefix),
    };
  const given: ParsedCommand['args'] = {};
  spec.args.forEach((a, i) => {
    if (positional[i] !== undefined) given[a.name] = positional[i];
  });
  return buildCommand(spec, given, { yes, reason }, prefix);
}

/** Reads a slash command's options (name → value) against the spec. */
export function parseSlash(name: string, options: Record<string, string | number | boolean>): ParseResult {
  const spec = specOf(name);
  if (!spec) return { ok: false, problem: `this bot has no /${name} command; its commands may be out of date: try /help`, usage: null };
  const given: ParsedCommand['args'] = {};
  for (const [k, v] of Object.entries(options)) {
    if (k === 'yes' || k === 'reason') continue;
    if (!spec.args.some((a) => a.name === k)) return { ok: false, problem: `/${name} has no option "${k}"`, usage: usageLine(spec, '/') };
    given[k as ArgKind] = typeof v === 'boolean' ? String(v) : v;
  }
  return buildCommand(spec, given, { yes: options.yes === true, reason: typeof options.reason === 'string' ? options.reason : null }, '/');
}
