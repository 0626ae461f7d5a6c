/*
 * What the bot understands, as data: each command's arguments, the role it needs and
 * its usage line. The same table drives the `!` prefix parser, the slash command
 * definitions registered with Discord, `help`, and the authorisation check.
 */
import type { CommandType, Role } from '@sacp/events';

export type ArgKind = 'agent' | 'template' | 'name' | 'target' | 'lines' | 'limit' | 'container' | 'team' | 'seconds';

export interface ArgSpec {
  name: ArgKind;
  required: boolean;
  description: string;
}

export type CommandName = 'status' | 'deploy' | 'stop' | 'start' | 'restart' | 'rm' | 'adopt' | 'logs' | 'tail' | 'history' | 'why' | 'templates' | 'team' | 'activity' | 'help';

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
  busCommand: CommandType | null;
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
  {
    name: 'team',
    summary: 'a team: its members and their state, its quota and what the members use',
    role: 'viewer',
    args: [{ name: 'team', required: true, description: 'team name' }],
    destructive: false,
    takesReason: false,
    busCommand: null,
    doing: 'reading a team',
  },
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
  const args = spec.args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
  const flags = [...(spec.destructive ? ['[--yes]'] : []), ...(spec.takesReason ? ['[--reason "<text>"]'] : [])];
  return [`${prefix}${spec.name}`, ...args, ...flags].join(' ');
}

/** Numeric arguments and their bounds. */
export const ARG_LIMITS: Partial<Record<ArgKind, { min: number; max: number }>> = { lines: { min: 1, max: 200 }, limit: { min: 1, max: 50 }, seconds: { min: 5, max: 120 } };

/** arguments whose values the bot suggests (slash command autocomplete) */
export const SUGGESTED: ReadonlySet<ArgKind> = new Set<ArgKind>(['agent', 'template', 'target']);
