import type { Command } from 'commander';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { parseCount } from '../options';
import { dash, json, timeLabel, truncate } from '../output/format';
import { renderTable } from '../output/table';
import type { Runtime } from '../runtime';
import { queryAll } from '../paging';

const OUTCOMES = ['accepted', 'rejected', 'refused', 'duplicate', 'conflict', 'failed', 'malformed'] as const;
const isOutcome = (s: string): s is (typeof OUTCOMES)[number] => (OUTCOMES as readonly string[]).includes(s);

function outcomeOf(text: string | undefined): (typeof OUTCOMES)[number] | undefined {
  if (!text) return undefined;
  if (!isOutcome(text)) throw new UsageError(`--outcome must be one of ${OUTCOMES.join(', ')}; got "${text}"`);
  return text;
}

export function registerAudit(program: Command, rt: Runtime): void {
  program
    .command('audit')
    .summary('show the audit trail: every command received, refused and rejected ones included')
    .description('Lists commands as the control plane received them, newest first: who sent what, from where, and the outcome.')
    .option('--outcome <outcome>', `only this outcome: ${OUTCOMES.join(', ')}`)
    .option('--actor <actor>', 'only this actor: "<kind>:<id>" (e.g. discord:1189403234567890123) or an id')
    .option('--command <type>', 'only this command type, e.g. agent.stop')
    .option('--limit <n>', 'at most n entries (default 50)', parseCount(1000))
    .option('--json', 'print the AuditEntryView objects as JSON')
    .addHelpText(
      'after',
      `
Outcomes: accepted (events written), rejected (the domain said no: unknown agent,
name in use…), refused (a front door refused it for lack of a role), duplicate (a
command id seen before), conflict, failed, malformed.

Examples:
  $ sacp audit --outcome refused
  $ sacp audit --actor discord:1189403234567890123 --limit 20
  $ sacp audit --command agent.stop --json | jq -r '.[].actor.displayName'`,
    )
    .action(rt.action(audit));
}

async function audit(ctx: CliContext, o: { outcome?: string; actor?: string; command?: string; limit?: number; json?: boolean }): Promise<void> {
  const outcome = outcomeOf(o.outcome);
  const entries = await queryAll(
    ctx,
    'audit.list',
    { ...(outcome ? { outcome } : {}), ...(o.actor ? { actor: o.actor } : {}), ...(o.command ? { commandType: o.command } : {}), limit: o.limit ?? 50 },
    'audit',
  );
  if (o.json) return ctx.io.out(json(entries));
  if (!entries.length) return ctx.io.out('no matching commands in the audit trail\n');
  ctx.io.out(
    renderTable(
      ['TIME', 'ACTOR', 'COMMAND', 'OUTCOME', 'SOURCE', 'WHY', 'DETAIL'],
      entries.map((e) => [
        timeLabel(e.at),
        e.actor ? `${e.actor.kind}:${e.actor.displayName}` : '-',
        dash(e.commandType),
        e.outcome,
        dash(e.source),
        dash(e.reason),
        e.errorCode || e.message ? truncate(`${e.errorCode ?? ''}${e.errorCode && e.message ? ': ' : ''}${e.message ?? ''}`, 100) : '-',
      ]),
    ),
  );
}
