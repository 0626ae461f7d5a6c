import type { Command } from 'commander';
import type { ActivityEntry, TeamView } from '@sacp/events';
import type { CliContext } from '../context';
import { CliError, ExitCode, refused, UsageError } from '../errors';
import { parseCount, REASON_HELP } from '../options';
import { dash, json, timeLabel } from '../output/format';
import { renderTable } from '../output/table';
import type { Runtime } from '../runtime';
import { renderTeam, usageLine } from '../output/team';

export function registerTeamMembers(team: Command, rt: Runtime): void {
  team
    .command('add')
    .summary("add an existing agent to a team (refused past the team's quota, with the numbers)")
    .argument('<team>', 'team name')
    .argument('<agent>', 'agent name or id')
    .option('--role <role>', 'its role in the team, e.g. coder')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ sacp team add coding coder-2 --role coder')
    .action(rt.action(add));

  team
    .command('remove')
    .summary('take an agent out of a team (it keeps running, in no team)')
    .argument('<team>', 'team name')
    .argument('<agent>', 'agent name or id')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .action(rt.action(removeMember));

  team
    .command('deploy')
    .summary("deploy every member of the team's configuration not deployed yet (all or none, within the quota), and wait until they run")
    .argument('<team>', 'team name')
    .option('--reason <text>', REASON_HELP)
    .option('--no-wait', 'return once the control plane has recorded the deployment')
    .option('--json', 'print the result (and the team, after waiting) as JSON')
    .addHelpText('after', '\nExamples:\n  $ sacp team deploy coding\n  $ sacp team deploy coding --no-wait --json')
    .action(rt.action(deploy));

  team
    .command('stop')
    .summary('stop every member of a team')
    .argument('<team>', 'team name')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .action(rt.action(stop));

  team
    .command('activity')
    .summary("a team's activity (or one agent's, --agent), newest first: deploys, state changes, alerts, who did it and why")
    .argument('[team]', 'team name')
    .option('--agent <agent>', "one agent's activity instead of a team's")
    .option('--limit <n>', 'how many entries (default 50)', parseCount(100_000))
    .option('--json', 'print the ActivityEntry objects as JSON')
    .addHelpText('after', '\nExamples:\n  $ sacp team activity coding\n  $ sacp team activity --agent coding-coder --limit 200 --json')
    .action(rt.action(activity));
}

async function add(ctx: CliContext, team: string, agent: string, o: { role?: string; reason?: string; json?: boolean }): Promise<void> {
  const reply = await ctx.command('team.add_member', { team, agent, ...(o.role ? { role: o.role } : {}) }, { reason: o.reason, what: 'team add' });
  const r = reply.result;
  if (o.json) return ctx.io.out(json({ commandId: reply.commandId, duplicate: reply.duplicate, ...r }));
  ctx.io.out(r.changed ? `added ${r.agent} to team ${r.team}; the team ${usageLine(r)}\n` : `${r.agent} is already a member of team ${r.team}\n`);
}

async function removeMember(ctx: CliContext, team: string, agent: string, o: { reason?: string; json?: boolean }): Promise<void> {
  const reply = await ctx.command('team.remove_member', { team, agent }, { reason: o.reason, what: 'team remove' });
  const r = reply.result;
  if (o.json) return ctx.io.out(json({ commandId: reply.commandId, duplicate: reply.duplicate, ...r }));
  ctx.io.out(`removed ${r.agent} from team ${r.team}; the team ${usageLine(r)}\n`);
}

/** Polls the team until the members the deploy names are all in it and run, one fails, or the deadline passes. */
async function waitForTeam(ctx: CliContext, team: string, members: string[]): Promise<TeamView> {
  for (;;) {
    const t = await ctx.query('team.get', { team }, 'team show');
    // the read model follows the commit: a member it does not show yet is still on its way
    const shown = new Set(t.members.map((m) => m.agent));
    const arrived = members.every((m) => shown.has(m));
    const failed = t.members.filter((m) => m.state && ['exited', 'removed'].includes(m.state.observed));
    if (failed.length) throw new CliError(`team ${team}: ${failed.map((m) => `${m.agent} is ${m.state!.observed}`).join(', ')}; see "sacp why <agent>"`, ExitCode.FAILED);
    if (arrived && t.members.every((m) => m.state?.observed === 'running')) return t;
    if (Date.now() > ctx.deadline) {
      const waiting = t.members.filter((m) => m.state?.observed !== 'running').map((m) => `${m.agent} (${m.state?.observed ?? 'pending'})`);
      throw new CliError(`team ${team}: still waiting for ${waiting.join(', ')} after ${ctx.timeoutMs / 1000}s; follow it with "sacp team show ${team}"`, ExitCode.FAILED);
    }
    ctx.io.progress(`waiting for ${t.members.filter((m) => m.state?.observed !== 'running').length} member(s) of ${team}…\r`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function deploy(ctx: CliContext, team: string, o: { reason?: string; wait: boolean; json?: boolean }): Promise<void> {
  const reply = await ctx.command('team.deploy', { team }, { reason: o.reason, what: 'team deploy' });
  const r = reply.result;
  const view = o.wait ? await waitForTeam(ctx, team, [...r.deployed, ...r.started, ...r.unchanged]) : null;
  if (o.json) return ctx.io.out(json({ commandId: reply.commandId, duplicate: reply.duplicate, ...r, ...(view ? { view } : {}) }));
  const parts = [
    r.deployed.length ? `deployed ${r.deployed.join(', ')}` : '',
    r.started.length ? `started ${r.started.join(', ')}` : '',
    r.unchanged.length ? `already running: ${r.unchanged.join(', ')}` : '',
  ].filter(Boolean);
  ctx.io.out(`team ${r.team}: ${parts.join('; ') || 'no member configured'}; the team ${usageLine(r)}\n`);
  if (view) ctx.io.out(`\n${renderTeam(view)}`);
}

async function stop(ctx: CliContext, team: string, o: { reason?: string; json?: boolean }): Promise<void> {
  const reply = await ctx.command('team.stop', { team }, { reason: o.reason, what: 'team stop' });
  const r = reply.result;
  if (o.json) return ctx.io.out(json({ commandId: reply.commandId, duplicate: reply.duplicate, ...r }));
  ctx.io.out(
    `team ${r.team}: ${r.stopped.length ? `stopping ${r.stopped.join(', ')}` : 'no member to stop'}${r.unchanged.length ? `; already stopped: ${r.unchanged.join(', ')}` : ''}\n`,
  );
}

async function activity(ctx: CliContext, team: string | undefined, o: { agent?: string; limit?: number; json?: boolean }): Promise<void> {
  if ((team === undefined) === (o.agent === undefined)) throw new UsageError('name a team (sacp team activity coding) or an agent (--agent NAME), not both');
  const limit = o.limit ?? 50;
  const entries: ActivityEntry[] = [];
  let cursor: string | undefined;
  do {
    const pageSize = Math.min(500, limit - entries.length);
    const body = { ...(cursor ? { cursor } : {}), pageSize };
    const reply = team !== undefined ? await ctx.bus.query('team.activity', { team, ...body }) : await ctx.bus.query('agent.activity', { agent: o.agent!, ...body });
    if (!reply.ok) throw refused(reply.error, 'team activity');
    entries.push(...reply.result);
    cursor = reply.nextCursor;
  } while (cursor && entries.length < limit);
  if (o.json) return ctx.io.out(json(entries));
  if (!entries.length) return ctx.io.out('no activity recorded\n');
  ctx.io.out(
    renderTable(
      ['TIME', 'AGENT', 'WHAT', 'ACTOR', 'WHY'],
      entries.map((e) => [timeLabel(e.at), dash(e.agent ?? (e.team ? `team ${e.team}` : null)), e.summary, `${e.actor.kind}:${e.actor.displayName}`, dash(e.reason)]),
    ),
  );
}
