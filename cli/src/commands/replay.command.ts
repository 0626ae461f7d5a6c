import type { Command } from 'commander';
import type { CliContext } from '../context';
import { REASON_HELP } from '../options';
import { json } from '../output/format';
import type { Runtime } from '../runtime';

export function registerReplay(program: Command, rt: Runtime): void {
  program
    .command('replay')
    .summary('rebuild every read model from the event store')
    .description('Rebuilds every read model (projection) from the events table and reports how many events were replayed.')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ sacp replay --reason "verify projections after upgrade"')
    .action(rt.action(replay));
}

async function replay(ctx: CliContext, o: { json?: boolean; reason?: string }): Promise<void> {
  const reply = await ctx.command('system.replay', {}, { reason: o.reason, what: 'replay' });
  const r = reply.result;
  if (o.json) return ctx.io.out(json({ commandId: reply.commandId, duplicate: reply.duplicate, ...r }));
  if (reply.duplicate) return ctx.io.out(`command ${reply.commandId} was already processed: nothing replayed this time\n`);
  ctx.io.out(`replayed ${r.events ?? 0} events into the read models${r.millis !== undefined ? ` in ${r.millis} ms` : ''}\n`);
}
