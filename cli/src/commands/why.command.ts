import type { Command } from 'commander';
import type { CliContext } from '../context';
import { CliError, ExitCode } from '../errors';
import { parseCount } from '../options';
import { causationChain } from '@sacp/presentation';
import { json, shortId, timeLabel } from '../output/format';
import { renderTable } from '../output/table';
import type { Runtime } from '../runtime';
import { queryAll } from '../paging';

export function registerWhy(program: Command, rt: Runtime): void {
  program
    .command('why')
    .summary("explain an agent's last state change: the chain of events that caused it")
    .description("Prints the causation chain of the agent's last state change, oldest first.")
    .argument('<agent>', 'agent name or id (a removed agent by its id)')
    .option('--depth <n>', 'only the last n steps of the chain', parseCount(1000))
    .option('--json', 'print the chain as a JSON array of HistoryEntry objects, oldest first, each with a "summary"')
    .addHelpText(
      'after',
      `
Every event records the event that caused it. This starts at the agent's last state
change and follows those links back through its history for as long as the cause is
found there. Each line: when, the event, what it means, who acted, and a reason when
one was given. "system:monitor" is auto-recovery; "system:control plane" is the
orchestrator making Docker match the desired state; cli:, api: and discord: are
operators.

State changes: deployed, adopted; start, stop, restart or remove requested; container
created, started, stopped, exited (exit code, OOM kill), restarted or removed; agent
removed; a failed Docker operation; a restart scheduled; recovery given up; health
changed.

Examples:
  $ sacp why coder-1
      2026-11-26 10:00:01Z  agent.container_exited     exit 137, OOM killed             system:control plane
      2026-11-26 10:00:01Z  agent.restart_scheduled    restart #3 in 8s (oom_killed)    system:monitor
      2026-11-26 10:00:09Z  agent.container_restarted  restarted (restart #3)           system:control plane
  $ sacp why coder-1 --depth 2
  $ sacp why coder-1 --json | jq -r '.[0].actor.displayName'`,
    )
    .action(rt.action(why));
}

async function why(ctx: CliContext, agent: string, o: { json?: boolean; depth?: number }): Promise<void> {
  const entries = await queryAll(ctx, 'agent.history', { agent }, 'why');
  if (entries.length && entries.some((e) => typeof e.eventId !== 'string'))
    throw new CliError('why: the orchestrator sends history without event ids; upgrade it to follow causation chains', ExitCode.FAILED, 'UNSUPPORTED');
  const chain = causationChain(entries, o.depth);
  if (o.json) return ctx.io.out(json(chain?.steps ?? []));
  if (!chain) return ctx.io.out(`${agent} has no recorded state change\n`);
  const table = renderTable(
    ['TIME', 'EVENT', 'WHAT', 'ACTOR', 'WHY'],
    chain.steps.map((s) => [timeLabel(s.at), s.type, s.summary, `${s.actor.kind}:${s.actor.displayName}`, s.reason ? `reason: ${s.reason}` : '']),
  );
  // the header only names the columns; the chain reads better without it, as in the examples
  ctx.io.out(table.slice(table.indexOf('\n') + 1));
  if (chain.truncated) ctx.io.out(`(earlier causes left out by --depth ${o.depth})\n`);
  if (chain.unresolvedCause) ctx.io.out(`(the first step was caused by ${shortId(chain.unresolvedCause)}, which is not in this agent's history)\n`);
}
