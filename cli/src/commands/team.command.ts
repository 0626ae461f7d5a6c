import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { describeTeamConfigProblems, formatBytes, parseTeamConfig } from '@sacp/domain';
import { amounts, renderTeam, usageLine } from '../output/team';
import type { TeamView } from '@sacp/events';
import type { CliContext } from '../context';
import { CliError, ExitCode, refused, UsageError } from '../errors';
import { REASON_HELP } from '../options';
import { dash, json } from '../output/format';
import { renderTable } from '../output/table';
import type { Runtime } from '../runtime';
import { registerTeamMembers } from './team-members.command';

export function registerTeam(program: Command, rt: Runtime): void {
  const team = program
    .command('team')
    .summary('create, change and delete teams; add and remove members; deploy or stop a whole team; its activity')
    .description(
      "Teams of agents: a configuration (configs/teams/<name>.json, or a file of yours) names the members (name, role, template), a resource quota the members' limits may not exceed, and egress. The team's configuration is recorded in its events, versioned by content.",
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ sacp team create coding\n  $ sacp team deploy coding\n  $ sacp team show coding\n  $ sacp team activity coding\n  $ sacp team stop coding --reason "end of sprint"',
    );

  team
    .command('create')
    .summary('create a team from a configuration of configs/teams, or from a file of yours (--file)')
    .argument('[config]', 'a configuration of the control plane (configs/teams/<config>.json)')
    .option('--file <path>', 'a configuration file here, checked locally, then sent whole')
    .option('--name <name>', "the team's name, if not the configuration's")
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ sacp team create coding\n  $ sacp team create --file ./my-team.json --name review-squad')
    .action(rt.action(create));

  team.command('list').summary('list the teams').option('--json', 'print the TeamView objects as JSON').action(rt.action(list));

  team
    .command('show')
    .summary('one team: configuration version, quota and usage, members and their state')
    .argument('<team>', 'team name')
    .option('--json', 'print the TeamView as JSON')
    .action(rt.action(show));

  team
    .command('change')
    .summary("change a team's quota, description, egress, shared volume or log retention, or its whole configuration")
    .argument('<team>', 'team name')
    .option('--memory <size>', 'memory quota, e.g. 1g')
    .option('--cpus <n>', 'CPU quota, e.g. 2', Number)
    .option('--pids <n>', 'pids quota', Number)
    .option('--description <text>', 'a new description')
    .option('--egress', 'let the team route out')
    .option('--no-egress', 'keep the team internal')
    .option('--shared-volume', 'give the members a shared volume at /team (with their next container)')
    .option('--no-shared-volume', 'no shared volume (an existing one is kept until the team is deleted with --volumes)')
    .option('--log-days <n>', "keep the members' collected logs this many days (with --log-mb, replaces the team's retention)", Number)
    .option('--log-mb <n>', "keep at most this many megabytes of the members' collected logs", Number)
    .option('--log-global', "the global log retention (SACP_LOG_RETENTION_*) for the team's agents")
    .option('--config <name>', 'read configs/teams/<name>.json on the control plane again')
    .option('--file <path>', 'a whole new configuration from a file here')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ sacp team change coding --memory 1g --cpus 2\n  $ sacp team change coding --config coding --reason "edited the file"')
    .action(rt.action(change));

  team
    .command('delete')
    .summary('delete a team (refused while it has members)')
    .argument('<team>', 'team name')
    .option('--volumes', "also remove the team's shared volume (kept and listed as orphaned otherwise)")
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .action(rt.action(remove));

  registerTeamMembers(team, rt);
}

/** A configuration file read and checked here: a problem is a usage error naming the field, before any round trip. */
async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const parsed = parseTeamConfig(path, text);
  if (!parsed.ok) throw new CliError(`TEAM.INVALID: ${describeTeamConfigProblems(parsed.problems)}`, ExitCode.FAILED, 'TEAM.INVALID');
  return JSON.parse(text);
}

async function create(ctx: CliContext, config: string | undefined, o: { file?: string; name?: string; reason?: string; json?: boolean }): Promise<void> {
  if ((config === undefined) === (o.file === undefined)) throw new UsageError('give a configuration of the control plane (sacp team create coding) or --file PATH, not both');
  const source = o.file ? { definition: await readConfigFile(o.file) } : { config: config! };
  const reply = await ctx.command('team.create', { ...source, ...(o.name ? { name: o.name } : {}) }, { reason: o.reason, what: 'team create' });
  const r = reply.result;
  if (o.json) return ctx.io.out(json({ commandId: reply.commandId, duplicate: reply.duplicate, ...r }));
  ctx.io.out(
    `created team ${r.team} (configuration v${r.configVersion}, ${r.hash.slice(0, 19)}); quota ${amounts(r.quota)}\ndeploy its members with: sacp team deploy ${r.team}\n`,
  );
}

async function list(ctx: CliContext, o: { json?: boolean }): Promise<void> {
  const teams: TeamView[] = [];
  let cursor: string | undefined;
  do {
    const reply = await ctx.bus.query('team.list', cursor ? { cursor } : {});
    if (!reply.ok) throw refused(reply.error, 'team list');
    teams.push(...reply.result);
    cursor = reply.nextCursor;
  } while (cursor);
  if (o.json) return ctx.io.out(json(teams));
  if (!teams.length) return ctx.io.out('no teams; create one with: sacp team create coding\n');
  ctx.io.out(
    renderTable(
      ['TEAM', 'MEMBERS', 'RUNNING', 'MEMORY', 'CPUS', 'PIDS', 'CONFIG', 'DESCRIPTION'],
      teams.map((t) => [
        t.name,
        String(t.members.length),
        String(t.members.filter((m) => m.state?.observed === 'running').length),
        `${formatBytes(t.usage.memory)}/${formatBytes(t.quota.memory)}`,
        `${t.usage.cpus}/${t.quota.cpus}`,
        `${t.usage.pids}/${t.quota.pids}`,
        `v${t.configVersion}`,
        dash(t.description),
      ]),
    ),
  );
}

async function show(ctx: CliContext, team: string, o: { json?: boolean }): Promise<void> {
  const t = await ctx.query('team.get', { team }, 'team show');
  ctx.io.out(o.json ? json(t) : renderTeam(t));
}

interface ChangeFlags {
  memory?: string;
  cpus?: number;
  pids?: number;
  description?: string;
  egress?: boolean;
  sharedVolume?: boolean;
  logDays?: number;
  logMb?: number;
  logGlobal?: boolean;
  config?: string;
  file?: string;
  reason?: string;
  json?: boolean;
}

async function change(ctx: CliContext, team: string, o: ChangeFlags): Promise<void> {
  const quota = { ...(o.memory !== undefined ? { memory: o.memory } : {}), ...(o.cpus !== undefined ? { cpus: o.cpus } : {}), ...(o.pids !== undefined ? { pids: o.pids } : {}) };
  const payload = {
    team,
    ...(Object.keys(quota).length ? { quota } : {}),
    ...(o.description !== undefined ? { description: o.description } : {}),
    ...(o.egress !== undefined ? { egress: o.egress } : {}),
    ...(o.sharedVolume !== undefined ? { sharedVolume: o.sharedVolume } : {}),
    ...logRetention(o),
    ...(o.config !== undefined ? { config: o.config } : {}),
    ...(o.file !== undefined ? { definition: await readConfigFile(o.file) } : {}),
  };
  const reply = await ctx.command('team.change', payload, { reason: o.reason, what: 'team change' });
  const r = reply.result;
  if (o.json) return ctx.io.out(json({ commandId: reply.commandId, duplicate: reply.duplicate, ...r }));
  ctx.io.out(
    r.changed
      ? `changed team ${r.team}: configuration v${r.configVersion}; ${usageLine(r)}\n`
      : `team ${r.team} is already so (configuration v${r.configVersion}); nothing changed\n`,
  );
}

/** --log-days/--log-mb replace the team's retention (a limit left out is the global one); --log-global drops it. */
function logRetention(o: ChangeFlags): { logRetention?: { days?: number; maxMb?: number } | null } {
  if (o.logGlobal) return { logRetention: null };
  if (o.logDays === undefined && o.logMb === undefined) return {};
  return { logRetention: { ...(o.logDays !== undefined ? { days: o.logDays } : {}), ...(o.logMb !== undefined ? { maxMb: o.logMb } : {}) } };
}

async function remove(ctx: CliContext, team: string, o: { volumes?: boolean; reason?: string; json?: boolean }): Promise<void> {
  const reply = await ctx.command('team.delete', { team, ...(o.volumes ? { volumes: true } : {}) }, { reason: o.reason, what: 'team delete' });
  if (o.json) return ctx.io.out(json({ commandId: reply.commandId, duplicate: reply.duplicate, ...reply.result }));
  const removed = (reply.result as { volumesRemoved?: string[] }).volumesRemoved ?? [];
  ctx.io.out(`deleted team ${reply.result.team}${removed.length ? `; removed volume ${removed.join(', ')}` : ''}\n`);
}
