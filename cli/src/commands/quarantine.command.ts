import type { Command } from 'commander';
import type { CliContext } from '../context';
import { REASON_HELP } from '../options';
import { json, shortContainer, timeLabel, truncate } from '../output/format';
import { renderTable } from '../output/table';
import type { Runtime } from '../runtime';

export function registerQuarantine(program: Command, rt: Runtime): void {
  const q = program
    .command('quarantine')
    .summary("containers with this control plane's labels that its event store does not know")
    .description(
      'Such a container (left by a restored backup, a crash, or made by hand with our labels) is never removed on sight: it is stopped, renamed sacp-quarantined-<name>, alerted, and removed after SACP_QUARANTINE_GRACE_MS. Look at it with docker inspect/logs, then remove it here, or keep it by adopting a copy.',
    );
  q.command('list')
    .summary('quarantined containers, newest first')
    .option('--all', 'include removed ones')
    .option('--json', 'print the QuarantineView objects as JSON')
    .action(rt.action(list));
  q.command('rm')
    .summary('remove a quarantined container now')
    .argument('<container>', 'container id (12+ characters) or name')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ sacp quarantine list\n  $ sacp quarantine rm 9c1e4b7a2f3d --reason "leftover of the restore"')
    .action(rt.action(rm));
}

async function list(ctx: CliContext, o: { all?: boolean; json?: boolean }): Promise<void> {
  const views = await ctx.query('quarantine.list', { all: o.all === true }, 'quarantine list');
  if (o.json) return ctx.io.out(json(views));
  if (!views.length) return ctx.io.out('no quarantined containers\n');
  ctx.io.out(
    renderTable(
      ['CONTAINER', 'NAME', 'SINCE', 'REMOVED AFTER', 'STATE', 'WHY'],
      views.map((v) => [
        shortContainer(v.containerId),
        v.quarantinedName,
        timeLabel(v.quarantinedAt),
        timeLabel(v.removeAfter),
        v.removed ? `removed (${v.removed.by})` : v.present ? 'kept, stopped' : 'gone',
        truncate(v.reason, 80),
      ]),
    ),
  );
}

async function rm(ctx: CliContext, container: string, o: { reason?: string; json?: boolean }): Promise<void> {
  const reply = await ctx.command('container.remove_quarantined', { container }, { reason: o.reason, what: 'quarantine rm' });
  if (o.json) return ctx.io.out(json(reply.result));
  ctx.io.out(`removed quarantined container ${reply.result.containerName} (${shortContainer(reply.result.containerId)})\n`);
}
