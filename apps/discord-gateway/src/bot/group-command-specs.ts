/*
 * The commands that come in groups: `!team <team>` and `!team deploy <team>` …, one
 * slash command `/team` with sub-commands on Discord. The first word after the group's
 * is a sub-command when it names one; otherwise the group's default runs (`!team
 * coding` shows the team), so a team called "deploy" is shown with `/team show`.
 */
import type { ArgSpec, CommandSpec } from './command-spec.types';

const team: ArgSpec = { name: 'team', required: true, description: 'team name' };

export const TEAM_SPECS: readonly CommandSpec[] = [
  {
    name: 'team',
    sub: 'show',
    summary: 'a team: its members and their state, its quota and what the members use',
    role: 'viewer',
    args: [team],
    destructive: false,
    takesReason: false,
    busCommand: null,
    doing: 'reading a team',
  },
  {
    name: 'team create',
    sub: 'create',
    summary: 'create a team from a configuration of configs/teams, or one given whole as JSON',
    role: 'operator',
    args: [
      { name: 'config', required: false, description: 'a configuration of configs/teams, e.g. coding' },
      { name: 'name', required: false, description: 'another name than the configuration’s' },
      { name: 'definition', required: false, description: 'the whole configuration as JSON, instead of config', form: 'json' },
    ],
    check: (a) =>
      (a.config === undefined) === (a.definition === undefined)
        ? 'team create needs a configuration: the name of one in configs/teams (e.g. coding), or the whole configuration as JSON'
        : null,
    destructive: false,
    takesReason: true,
    busCommand: 'team.create',
    doing: 'creating a team',
  },
  {
    name: 'team deploy',
    sub: 'deploy',
    summary: "deploy every member of a team's configuration, and start stopped ones (within its quota)",
    role: 'operator',
    args: [team],
    destructive: false,
    takesReason: true,
    busCommand: 'team.deploy',
    doing: 'deploying a team',
  },
  {
    name: 'team stop',
    sub: 'stop',
    summary: 'stop every member of a team (asks for confirmation)',
    role: 'operator',
    args: [team],
    destructive: true,
    confirm: { verb: 'Stop', what: 'every member of team' },
    takesReason: true,
    busCommand: 'team.stop',
    doing: 'stopping a team',
  },
  {
    name: 'team add',
    sub: 'add',
    summary: 'add an existing agent (in no team) to a team, with a role',
    role: 'operator',
    args: [team, { name: 'agent', required: true, description: 'agent name or id' }, { name: 'role', required: false, description: 'its role in the team, e.g. coder' }],
    destructive: false,
    takesReason: true,
    busCommand: 'team.add_member',
    doing: 'adding a team member',
  },
  {
    name: 'team remove',
    sub: 'remove',
    summary: 'take an agent out of a team (it keeps running, in no team)',
    role: 'operator',
    args: [team, { name: 'agent', required: true, description: 'agent name or id' }],
    destructive: false,
    takesReason: true,
    busCommand: 'team.remove_member',
    doing: 'removing a team member',
  },
  {
    name: 'team delete',
    sub: 'delete',
    summary: 'delete a team with no members (asks for confirmation)',
    role: 'operator',
    args: [team],
    destructive: true,
    confirm: { verb: 'Delete', what: 'team' },
    takesReason: true,
    busCommand: 'team.delete',
    doing: 'deleting a team',
  },
];

/** What each group's slash command says of itself. */
export const GROUP_SUMMARIES: Record<string, string> = {
  team: 'teams: show, create, deploy, stop, add or remove members, delete',
  task: 'tasks for a team or an agent: create, list, show, cancel',
};

const taskId: ArgSpec = { name: 'task', required: true, description: 'task id (a UUID, as !task list shows it)' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const checkTaskId = (a: Partial<Record<string, string | number>>) =>
  a.task !== undefined && !UUID.test(String(a.task)) ? 'a task id is a UUID such as 0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b20 (see !task list)' : null;

export const TASK_SPECS: readonly CommandSpec[] = [
  {
    name: 'task',
    sub: 'create',
    summary: 'give a team (its policy picks the member) or one agent a task: a title, then instructions after --',
    role: 'operator',
    args: [
      { name: 'assignee', required: true, description: 'a team name or an agent name' },
      { name: 'title', required: true, description: 'what to do, in a line (at most 200 characters)', form: 'rest' },
      { name: 'instructions', required: false, description: 'the details (everything after a lone --)', form: 'dashes' },
      { name: 'priority', required: false, description: 'low, normal (default), high or urgent', form: 'option' },
      { name: 'role', required: false, description: 'for a team: only its members of this role', form: 'option' },
      { name: 'deadline', required: false, description: 'done by this time (ISO, e.g. 2026-12-01T17:00Z)', form: 'option' },
    ],
    check: (a) =>
      a.deadline !== undefined && Number.isNaN(Date.parse(String(a.deadline)))
        ? `deadline is an ISO time such as 2026-12-01T17:00:00Z, not "${String(a.deadline).slice(0, 40)}"`
        : null,
    destructive: false,
    takesReason: false,
    busCommand: 'task.create',
    doing: 'creating a task',
  },
  {
    name: 'task list',
    sub: 'list',
    summary: 'the latest tasks, of a team or an agent if named: status, title, who has it',
    role: 'viewer',
    args: [{ name: 'assignee', required: false, description: 'a team name or an agent name' }],
    destructive: false,
    takesReason: false,
    busCommand: null,
    doing: 'reading tasks',
  },
  {
    name: 'task show',
    sub: 'show',
    summary: 'one task: its status, progress, result or failure, and its attempts',
    role: 'viewer',
    args: [taskId],
    check: checkTaskId,
    destructive: false,
    takesReason: false,
    busCommand: null,
    doing: 'reading a task',
  },
  {
    name: 'task cancel',
    sub: 'cancel',
    summary: 'cancel a task that is not finished (asks for confirmation)',
    role: 'operator',
    args: [taskId],
    check: checkTaskId,
    destructive: true,
    confirm: { verb: 'Cancel', what: 'task' },
    takesReason: true,
    busCommand: 'task.cancel',
    doing: 'cancelling a task',
  },
];

export const GROUP_SPECS: readonly CommandSpec[] = [...TEAM_SPECS, ...TASK_SPECS];
