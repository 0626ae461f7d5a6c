/*
 * What the bot understands, as data: each command's arguments, the role it needs and
 * its usage line. The same table drives the `!` prefix parser, the slash command
 * definitions registered with Discord, `help`, and the authorisation check.
 */
import type { Role } from '@sacp/events';

export type ArgKind = 'agent' | 'template' | 'name' | 'target' | 'lines' | 'limit' | 'container';

export interface ArgSpec {
  name: ArgKind;
  required: boolean;
  description: string;
}

export type CommandName = 'status' | 'deploy' | 'stop' | 'start' | 'restart' | 'rm' | 'adopt' | 'logs' | 'history' | 'why' | 'templates' | 'help';

export interface CommandSpec {
  name: CommandName;
  summary: string;
  /** null: anyone in the guild may run it */
  role: Role | null;
  args: ArgSpec[];
  /** asks for a confirmation button unless `--yes` is given */
  destructive: boolean;
  /** takes `--reason <text>`, recorded with the events */
  takesReason: boolean;
  /** the bus command it becomes (queries have none) */
  busCommand: string | null;
  /** words for refusals: "stopping an agent" */
  doing: string;
}

const agentArg: ArgSpec = { name: 'agent', required: true, description: 'agent name or id' };

export const COMMAND_SPECS: readonly CommandSpec[] = [
  {
    name: 'status',
    summary: 'agents at a glance: state, health, uptime and resources',
    role: 'viewer',
    args: [{ name: 'target', required: false, description: 'an agent or a template name' }],
    destructive: false,
    takesReason: false,
    busCommand: null,
    doing: 'reading status',
  },
  {
    name: 'deploy',
    summary: 'deploy a new agent from a template',
    role: 'operator',
    args: [
      { name: 'template', required: true, description: 'template name, e.g. grok4' },
      { name: 'name', required: false, description: 'agent name (default: template name and a short suffix)' },
    ],
    destructive: false,
    takesReason: true,
    busCommand: 'agent.deploy',
    doing: 'deploying an agent',
  },
  {
    name: 'stop',
    summary: 'stop an agent (asks for confirmation)',
    role: 'operator',
    args: [agentArg],
    destructive: true,
    takesReason: true,
    busCommand: 'agent.stop',
    doing: 'stopping an agent',
  },
  {
    name: 'start',
    summary: 'start a stopped agent',
    role: 'operator',
    args: [agentArg],
    destructive: false,
    takesReason: true,
    busCommand: 'agent.start',
    doing: 'starting an agent',
  },
  {
    name: 'restart',
    summary: 'restart an agent',
    role: 'operator',
    args: [agentArg],
    destructive: false,
    takesReason: true,
    busCommand: 'agent.restart',
    doing: 'restarting an agent',
  },
  {
    name: 'rm',
    summary: 'remove an agent and its container (asks for confirmation)',
    role: 'admin',
    args: [agentArg],
    destructive: true,
    takesReason: true,
    busCommand: 'agent.remove',
    doing: 'removing an agent',
  },
  // adopting hands a container made outside the control plane to it: admins only (the orchestrator still refuses the control plane's own and other control planes' containers)
  {
    name: 'adopt',
    summary: 'bring an existing container under management as an agent',
    role: 'admin',
    args: [
      { name: 'container', required: true, description: 'Docker container id or name' },
      { name: 'name', required: false, description: 'agent name (default: derived from the container name)' },
    ],
    destructive: false,
    takesReason: true,
    busCommand: 'agent.adopt',
    doing: 'adopting a container',
  },
  {
    name: 'logs',
    summary: "the last lines of an agent's output",
    role: 'viewer',
    args: [agentArg, { name: 'lines', required: false, description: 'how many lines, 1-200 (default 20)' }],
    destructive: false,
    takesReason: false,
    busCommand: null,
    doing: 'reading logs',
  },
  {
    name: 'history',
    summary: "an agent's events: who did what, when and why",
    role: 'viewer',
    args: [agentArg, { name: 'limit', required: false, description: 'how many events, 1-50 (default 15)' }],
    destructive: false,
    takesReason: false,
    busCommand: null,
    doing: 'reading history',
  },
  {
    name: 'why',
    summary: 'why an agent is in its state: the chain of causes',
    role: 'viewer',
    args: [agentArg],
    destructive: false,
    takesReason: false,
    busCommand: null,
    doing: 'reading history',
  },
  {
    name: 'templates',
    summary: 'the templates agents are deployed from',
    role: 'viewer',
    args: [],
    destructive: false,
    takesReason: false,
    busCommand: null,
    doing: 'listing templates',
  },
  { name: 'help', summary: 'what the bot can do and who may do it', role: null, args: [], destructive: false, takesReason: false, busCommand: null, doing: 'reading help' },
];

export const specOf = (name: string): CommandSpec | undefined => COMMAND_SPECS.find((s) => s.name === name);

export interface ParsedCommand {
  spec: CommandSpec;
  args: Partial<Record<ArgKind, string | number>>;
  yes: boolean;
  reason: string | null;
}

export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; problem: string; usage: string | null };

export function usageLine(spec: CommandSpec, prefix = '!'): string {
  const args = spec.args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
  const flags = [...(spec.destructive ? ['[--yes]'] : []), ...(spec.takesReason ? ['[--reason "<text>"]'] : [])];
  return [`${prefix}${spec.name}`, ...args, ...flags].join(' ');
}

const LIMITS: Partial<Record<ArgKind, { min: number; max: number }>> = { lines: { min: 1, max: 200 }, limit: { min: 1, max: 50 } };

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
    const limit = LIMITS[a.name];
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

/** arguments whose values the bot suggests (slash command autocomplete) */
export const SUGGESTED: ReadonlySet<ArgKind> = new Set<ArgKind>(['agent', 'template', 'target']);

// Discord application command option types
const STRING = 3;
const INTEGER = 4;
const BOOLEAN = 5;

/** The slash command definitions (bulk-registered per guild). */
export function slashDefinitions(): { name: string; description: string; type: 1; options: Record<string, unknown>[] }[] {
  return COMMAND_SPECS.map((spec) => ({
    name: spec.name,
    description: spec.summary.slice(0, 100),
    type: 1 as const,
    options: [
      ...spec.args.map((a) => {
        const limit = LIMITS[a.name];
        return {
          type: limit ? INTEGER : STRING,
          name: a.name,
          description: a.description.slice(0, 100),
          required: a.required,
          ...(limit ? { min_value: limit.min, max_value: limit.max } : { max_length: 100 }),
          // agent and template names are suggested while the user types
          ...(SUGGESTED.has(a.name) ? { autocomplete: true } : {}),
        };
      }),
      ...(spec.destructive ? [{ type: BOOLEAN, name: 'yes', description: 'skip the confirmation', required: false }] : []),
      ...(spec.takesReason ? [{ type: STRING, name: 'reason', description: 'why: recorded with the events', required: false, max_length: 500 }] : []),
    ],
  }));
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
