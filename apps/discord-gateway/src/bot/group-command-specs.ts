/*
 * The commands that come in groups: `!team <team>` and `!team deploy <team>` …, one
 * slash command `/team` with sub-commands on Discord. The first word after the group's
 * is a sub-command when it names one; otherwise the group's default runs (`!team
 * coding` shows the team), so a team called "deploy" is shown with `/team show`.
 */
import type { ArgSpec, CommandSpec } from './command-specs';

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
export const GROUP_SUMMARIES: Record<string, string> = { team: 'teams: show, create, deploy, stop, add or remove members, delete' };

export const GROUP_SPECS: readonly CommandSpec[] = [...TEAM_SPECS];
