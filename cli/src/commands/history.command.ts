import type { Command } from 'commander';
import type { CliContext } from '../context';
import { parseCount } from '../options';
import { dash, json, shortId, timeLabel } from '../output/format';
import { renderTable } from '../output/table';
import type { Runtime } from '../runtime';
import { queryAll } from '../paging';

export function registerHistory(program: Command, rt: Runtime): void {
  program
    .command('history')
    .summary("show an agent's audit trail: who did what, when and why")
    .description("Shows every event of an agent's stream, oldest first, with its actor, reason, source and cause.")
    .argument('<agent>', 'agent name or id (a removed agent by its id)')
    .option('--limit <n>', 'only the last n events', parseCount(1_000_000))
    .option('--json', 'print the HistoryEntry objects as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ sacp history coder-1
  $ sacp history coder-1 --limit 20 --json`,
    )
    .action(rt.action(history));
}

async function history(ctx: CliContext, agent: string, o: { json?: boolean; limit?: number }): Promise<void> {
  const entries = await queryAll(ctx, 'agent.history', { agent, ...(o.limit ? { limit: o.limit } : {}) }, 'history');
  if (o.json) return ctx.io.out(json(entries));
  ctx.io.out(
    renderTable(
      ['TIME', 'ACTOR', 'EVENT', 'WHY', 'SOURCE', 'CAUSED BY'],
      entries.map((e) => [timeLabel(e.at), `${e.actor.kind}:${e.actor.displayName}`, e.type, dash(e.reason), e.source, e.causationId ? shortId(e.causationId) : '-']),
    ),
  );
}
