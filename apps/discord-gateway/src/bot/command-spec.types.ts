/*
 * The shape of the bot's command table (command-specs.ts holds the table itself).
 */
import type { CommandType, Role } from '@sacp/events';

export type ArgKind =
  | 'agent'
  | 'template'
  | 'name'
  | 'target'
  | 'lines'
  | 'limit'
  | 'container'
  | 'team'
  | 'config'
  | 'definition'
  | 'role'
  | 'task'
  | 'assignee'
  | 'title'
  | 'instructions'
  | 'priority'
  | 'deadline'
  | 'seconds';

export interface ArgSpec {
  name: ArgKind;
  required: boolean;
  description: string;
  /**
   * How the prefix form gives it, when not as the next word: `rest`, every word left
   * (a title); `option`, as `--<name> <value>`; `dashes`, the raw text after a lone
   * `--` (instructions, line breaks kept); `json`, the raw text when it starts with `{`
   * or a code block (a whole configuration).
   */
  form?: 'rest' | 'option' | 'dashes' | 'json';
}

export type CommandName =
  | 'status'
  | 'deploy'
  | 'stop'
  | 'start'
  | 'restart'
  | 'rm'
  | 'adopt'
  | 'logs'
  | 'tail'
  | 'history'
  | 'why'
  | 'templates'
  | 'team'
  | 'team create'
  | 'team deploy'
  | 'team stop'
  | 'team add'
  | 'team remove'
  | 'team delete'
  | 'task'
  | 'task list'
  | 'task show'
  | 'task cancel'
  | 'activity'
  | 'help';

export interface CommandSpec {
  /** a word, or a group's word and a sub-command's (`team deploy`): a group is one slash command with sub-commands */
  name: CommandName;
  /** in a group, its sub-command on Discord (`show` for `!team <team>`); the prefix form needs no word for the group's default */
  sub?: string;
  /** checks between arguments (one of two given, a time that parses): the problem, or null */
  check?: (args: Partial<Record<ArgKind, string | number>>) => string | null;
  /** the confirmation's words for a destructive command: "Delete team **x**?" */
  confirm?: { verb: string; what: string };
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
