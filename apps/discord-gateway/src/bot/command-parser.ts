/*
 * Reads a command, whichever way it came: the words of a `!` message or a slash
 * command's options, checked against its spec (arguments present, numbers in range,
 * nothing unknown) and turned into the same ParsedCommand.
 */
import { ARG_CHOICES, ARG_LIMITS, COMMAND_SPECS, TEXT_LIMITS, specOf, usageLine, type ArgKind, type CommandSpec, type ParseResult, type ParsedCommand } from './command-specs';

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
      if (a.required) return { ok: false, problem: `${spec.name} needs ${a.name === 'agent' || a.name === 'assignee' ? `an ${a.name}` : `a ${a.name}`} (${a.description})`, usage };
      continue;
    }
    const limit = ARG_LIMITS[a.name];
    if (limit) {
      const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n) || n < limit.min || n > limit.max)
        return { ok: false, problem: `${a.name} must be a whole number from ${limit.min} to ${limit.max}, not "${v}"`, usage };
      args[a.name] = n;
      continue;
    }
    const s = String(v).trim();
    const max = TEXT_LIMITS[a.name] ?? 100;
    if (s.length > max) return { ok: false, problem: `${a.name} is too long (${s.length} characters; at most ${max})`, usage };
    if (!s) return { ok: false, problem: `${a.name} is blank`, usage };
    const choices = ARG_CHOICES[a.name];
    if (choices && !choices.includes(s.toLowerCase())) return { ok: false, problem: `${a.name} is one of ${choices.join(', ')}, not "${clip(s, 40)}"`, usage };
    args[a.name] = choices ? s.toLowerCase() : s;
  }
  const reason = flags.reason?.trim() || null;
  if (reason && reason.length > 500) return { ok: false, problem: `the reason is too long (${reason.length} characters; at most 500)`, usage };
  const problem = spec.check?.(args);
  if (problem) return { ok: false, problem, usage };
  return { ok: true, command: { spec, args, yes: flags.yes === true, reason } };
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The command the first words name: a group's sub-command (`team deploy`), else the command of the first word; and how many words that took. */
function findSpec(first: string, second: string | undefined): { spec: CommandSpec; words: number } | null {
  const word = first.toLowerCase();
  const sub = second === undefined ? undefined : COMMAND_SPECS.find((s) => s.sub !== undefined && s.name.split(' ')[0] === word && s.sub === second.toLowerCase());
  if (sub) return { spec: sub, words: 2 };
  const spec = specOf(word);
  return spec ? { spec, words: 1 } : null;
}

/** A configuration given whole, `{…}` or in a code block (```json … ```), and the text after it (flags). */
function splitJson(text: string): { json: string; after: string } | null {
  const t = text.trimStart();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```/i.exec(t);
  if (fenced) return { json: fenced[1]!, after: t.slice(fenced[0].length) };
  if (!t.startsWith('{')) return null;
  const end = t.lastIndexOf('}');
  return end < 0 ? { json: t, after: '' } : { json: t.slice(0, end + 1), after: t.slice(end + 1) };
}

/** Parses `!deploy grok4 coder-1 --reason "sprint 12"`. Returns null when the text is not for the bot. */
export function parsePrefixed(content: string, prefix = '!'): ParseResult | null {
  const text = content.trim();
  if (!text.startsWith(prefix) || text.length === prefix.length) return null;
  const body = text.slice(prefix.length);
  const head = /^\s*(\S+)(?:\s+(\S+))?/.exec(body);
  const first = head ? unquote(head[1]!) : '';
  // nothing but quotes (`!""`) is not a command
  if (!head || !first) return null;
  // a quoted second word is an argument, not a sub-command: `!team "deploy"` shows the team called deploy
  const found = findSpec(first, head[2]);
  if (!found) return { ok: false, problem: `there is no command "${clip(first, 60)}"; try ${prefix}help`, usage: null };
  const { spec } = found;
  let rest = body.replace(found.words === 2 ? /^\s*\S+\s+\S+/ : /^\s*\S+/, '');
  const given: ParsedCommand['args'] = {};
  // raw text first: line breaks and quotes inside instructions or a configuration are kept as written
  const dashes = spec.args.find((a) => a.form === 'dashes');
  if (dashes) {
    const at = /(^|\s)--(?=\s|$)/.exec(rest);
    if (at) {
      given[dashes.name] = rest.slice(at.index + at[0].length).trim();
      rest = rest.slice(0, at.index);
    }
  }
  const json = spec.args.find((a) => a.form === 'json');
  const raw = json ? splitJson(rest) : null;
  if (json && raw) {
    given[json.name] = raw.json;
    rest = raw.after;
  }
  const t = tokenize(rest);
  if (!t.ok) return { ok: false, problem: t.problem, usage: null };
  const words = t.words;
  const positional: string[] = [];
  let yes = false;
  let reason: string | null = null;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const option = w.startsWith('--') ? spec.args.find((a) => a.form === 'option' && (w === `--${a.name}` || w.startsWith(`--${a.name}=`))) : undefined;
    if (w === '--yes' || w === '-y') {
      if (!spec.destructive) return { ok: false, problem: `${spec.name} takes no --yes`, usage: usageLine(spec, prefix) };
      yes = true;
    } else if (w === '--reason' || w.startsWith('--reason=')) {
      if (!spec.takesReason) return { ok: false, problem: `${spec.name} takes no --reason`, usage: usageLine(spec, prefix) };
      const v = w.startsWith('--reason=') ? w.slice('--reason='.length) : words[++i];
      if (v === undefined || v === '') return { ok: false, problem: '--reason needs a text, e.g. --reason "over budget"', usage: usageLine(spec, prefix) };
      reason = v;
    } else if (option) {
      const v = w.includes('=') ? w.slice(w.indexOf('=') + 1) : words[++i];
      if (v === undefined || v === '') return { ok: false, problem: `--${option.name} needs a value (${option.description})`, usage: usageLine(spec, prefix) };
      given[option.name] = v;
    } else if (w.startsWith('--')) return { ok: false, problem: `${spec.name} has no option ${clip(w, 60)}`, usage: usageLine(spec, prefix) };
    else positional.push(w);
  }
  const slots = spec.args.filter((a) => !a.form || a.form === 'rest');
  const takesRest = slots.at(-1)?.form === 'rest';
  if (positional.length > slots.length && !takesRest)
    return {
      ok: false,
      problem: `${spec.name} takes ${slots.length === 0 ? 'no arguments' : `at most ${slots.length} argument${slots.length === 1 ? '' : 's'}`}; got "${clip(positional.slice(slots.length).join(' '), 200)}" too`,
      usage: usageLine(spec, prefix),
    };
  slots.forEach((a, i) => {
    const v = a.form === 'rest' ? positional.slice(i).join(' ') : positional[i];
    if (v !== undefined && v !== '') given[a.name] = v;
  });
  return buildCommand(spec, given, { yes, reason }, prefix);
}

const unquote = (w: string) => w.replace(/^["'“”]+|["'“”]+$/g, '');

/** Reads a slash command's options (name → value) against the spec; `sub` is the sub-command of a group (`/team deploy`). */
export function parseSlash(name: string, options: Record<string, string | number | boolean>, sub?: string): ParseResult {
  const spec = sub === undefined ? specOf(name) : COMMAND_SPECS.find((s) => s.sub === sub && s.name.split(' ')[0] === name);
  if (!spec || (sub === undefined && spec.sub !== undefined))
    return { ok: false, problem: `this bot has no /${clip(`${name}${sub ? ` ${sub}` : ''}`, 80)} command; its commands may be out of date: try /help`, usage: null };
  const given: ParsedCommand['args'] = {};
  for (const [k, v] of Object.entries(options)) {
    if (k === 'yes' || k === 'reason') continue;
    if (!spec.args.some((a) => a.name === k)) return { ok: false, problem: `/${name} has no option "${clip(k, 40)}"`, usage: usageLine(spec, '/') };
    given[k as ArgKind] = typeof v === 'boolean' ? String(v) : v;
  }
  return buildCommand(spec, given, { yes: options.yes === true, reason: typeof options.reason === 'string' ? options.reason : null }, '/');
}
