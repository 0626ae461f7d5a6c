import type { Command } from 'commander';
import { RemoveVolumeV1, type VolumeListView } from '@sacp/events';
import type { CliContext } from '../context';
import { checkLocally, REASON_HELP } from '../options';
import { bytes, json, shortId, timeLabel } from '../output/format';
import { renderTable } from '../output/table';
import type { Runtime } from '../runtime';

export function registerVolumes(program: Command, rt: Runtime): void {
  const v = program
    .command('volumes')
    .summary("this control plane's volumes, with their agents and sizes")
    .description(
      'Every agent gets a workspace volume (at /workspace unless its template says otherwise), kept when it stops, restarts or is redeployed, and removed with it only by "sacp rm <agent> --volumes". A volume whose agent is gone is listed as orphaned and never removed by itself: remove it on purpose with "sacp volumes rm". Volumes of other control planes or event stores are neither listed nor touched. Sizes come from Docker\'s disk-usage report, measured at most once a minute.',
    );
  v.command('list', { isDefault: true })
    .summary('the volumes, newest first (the default)')
    .option('--orphaned', 'only the volumes whose agent (or, for a shared volume, team) is gone')
    .option('--json', 'print the VolumeListView as JSON')
    .action(rt.action(list));
  v.command('rm')
    .summary('remove an orphaned volume (its agent is gone) on purpose')
    .argument('<volume>', 'volume name, as "sacp volumes" lists it')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ sacp volumes\n  $ sacp volumes --orphaned --json\n  $ sacp volumes rm sacp-7c3a9b1d3c1f-workspace --reason "copied out"')
    .action(rt.action(rm));
}

async function list(ctx: CliContext, o: { orphaned?: boolean; json?: boolean }): Promise<void> {
  const view = await ctx.query('volume.list', { orphaned: o.orphaned === true }, 'volumes');
  if (o.json) return ctx.io.out(json(view));
  ctx.io.out(renderVolumes(view));
}

export function renderVolumes(view: VolumeListView): string {
  if (!view.volumes.length) return view.total ? '' : 'no volumes\n';
  const table = renderTable(
    ['VOLUME', 'KIND', 'AGENT', 'STATE', 'SIZE', 'CREATED'],
    view.volumes.map((v) => [
      v.name,
      v.kind ?? '-',
      // a team's shared volume names its team where an agent's names its agent
      v.team ? `team ${v.team.name}` : v.agent.name ? `${v.agent.name} (${shortId(v.agent.id)})` : shortId(v.agent.id),
      v.orphaned ? 'orphaned' : v.team ? 'in use by team' : v.agent.id ? 'in use by agent' : '-',
      v.sizeBytes === null ? '?' : bytes(v.sizeBytes),
      timeLabel(v.createdAt),
    ]),
  );
  const notes = [
    ...(view.total > view.volumes.length ? [`${view.total - view.volumes.length} more not shown`] : []),
    view.sizesAt
      ? `sizes as of ${timeLabel(view.sizesAt)}${view.sizesPending ? ' (a new measurement is running)' : ''}`
      : 'sizes not measured yet (Docker is measuring; ask again shortly)',
  ];
  const orphans = view.volumes.filter((v) => v.orphaned).length;
  if (orphans) notes.push(`${orphans} orphaned: kept on purpose; remove one with "sacp volumes rm <volume>"`);
  return `${table}${notes.map((n) => `${n}\n`).join('')}`;
}

async function rm(ctx: CliContext, volume: string, o: { reason?: string; json?: boolean }): Promise<void> {
  const payload = checkLocally(RemoveVolumeV1.payload, { volume }, 'volume name');
  const reply = await ctx.command('volume.remove', payload, { reason: o.reason, what: 'volumes rm' });
  if (o.json) return ctx.io.out(json(reply.result));
  const r = reply.result;
  ctx.io.out(`removed orphaned volume ${r.volume}${r.agentName ? ` of the removed agent ${r.agentName}` : ''}\n`);
}
