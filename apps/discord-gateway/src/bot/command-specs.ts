/*
 * What the bot understands, as data: each command's arguments, the role it needs and
 * its usage line. The same table drives the `!` prefix parser, the slash command
 * definitions registered with Discord, `help`, and the authorisation check.
 */
import type { ArgKind, ArgSpec, CommandSpec } from './command-spec.types';
import { GROUP_SPECS } from './group-command-specs';

export type { ArgKind, ArgSpec, CommandName, CommandSpec } from './command-spec.types';

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
    name: 'tail',
    summary: 'follow the collected log lines of an agent or a team, live, for a while',
    role: 'viewer',
    args: [
      { name: 'target', required: true, description: 'an agent or a team name' },
      { name: 'seconds', required: false, description: 'how long to follow, 5-120 (default 30)' },
    ],
    destructive: false,
    takesReason: false,
    busCommand: null,
    doing: 'following logs',
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
  ...GROUP_SPECS,
  {
    name: 'activity',
    summary: "a team's latest activity (or an agent's): what happened, who did it and why",
    role: 'viewer',
    args: [{ name: 'team', required: true, description: 'a team name (or an agent name)' }],
    destructive: false,
    takesReason: false,
    busCommand: null,
    doing: 'reading activity',
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
  const slash = prefix === '/';
  const args = spec.args.map((a) => {
    const form = slash ? undefined : a.form;
    if (form === 'option') return `[--${a.name} <${a.name}>]`;
    if (form === 'dashes') return `[-- <${a.name}>]`;
    if (form === 'json') return `[{${a.name} as JSON}]`;
    const word = form === 'rest' ? `${a.name}…` : a.name;
    return a.required ? `<${word}>` : `[${word}]`;
  });
  const flags = [...(spec.destructive ? ['[--yes]'] : []), ...(spec.takesReason ? ['[--reason "<text>"]'] : [])];
  const name = slash && spec.sub ? `${spec.name.split(' ')[0]} ${spec.sub}` : spec.name;
  return [`${prefix}${name}`, ...args, ...flags].join(' ');
}

/** Numeric arguments and their bounds. */
export const ARG_LIMITS: Partial<Record<ArgKind, { min: number; max: number }>> = { lines: { min: 1, max: 200 }, limit: { min: 1, max: 50 }, seconds: { min: 5, max: 120 } };

/** Text arguments longer than 100 characters may be (Discord's slash options hold at most 6000). */
export const TEXT_LIMITS: Partial<Record<ArgKind, number>> = { title: 200, instructions: 6000, definition: 6000 };

/** Arguments that are one of a few words. */
export const ARG_CHOICES: Partial<Record<ArgKind, readonly string[]>> = { priority: ['low', 'normal', 'high', 'urgent'] };

/** The thing a command is about (its first argument), for confirmations. */
export const subjectOf = (cmd: ParsedCommand): string => String(cmd.args[cmd.spec.args[0]?.name ?? 'agent'] ?? '');

/** arguments whose values the bot suggests (slash command autocomplete) */
export const SUGGESTED: ReadonlySet<ArgKind> = new Set<ArgKind>(['agent', 'template', 'target']);
