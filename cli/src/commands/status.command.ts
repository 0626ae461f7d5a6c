import type { Command } from 'commander';
import type { AgentStatusView } from '../../../libs/events/src/queries';
import type { CliContext } from '../context';
import { dash, json, shortContainer, shortId, templateLabel } from '../output/format';
import { renderTable } from '../output/table';
import type { Runtime } from '../runtime';

const MAX_ERROR_WIDTH = 60;

export function registerStatus(program: Command, rt: Runtime): void {
  program
    .command('status')
    .summary('list agents with their desired and observed state')
    .description('Lists every agent that is not removed, or one agent (removed ones included when named by id).')
    .argument('[agent]', 'agent name or id')
    .option('--json', 'print the AgentStatusView objects as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ sacp status
  $ sacp status coder-1
  $ sacp status --json | jq -r '.[] | select(.state.observed != "running") | .name'`,
    )
    .action(rt.action(status));
}

async function status(ctx: CliContext, agent: string | undefined, o: { json?: boolean }): Promise<void> {
  const views = await ctx.client.query<AgentStatusView[]>('agent.status', agent ? { agent } : {}, 'status');
  if (o.json) return ctx.io.out(json(views));
  if (!views.length) return ctx.io.out('no agents: deploy one with "sacp deploy <template>" (see "sacp templates list")\n');
  ctx.io.out(
    renderTable(
      ['NAME', 'ID', 'TEMPLATE', 'DESIRED', 'OBSERVED', 'CONTAINER', 'RESTARTS', 'ERROR'],
      views.map((v) => [
        v.name,
        shortId(v.id),
        templateLabel(v.template),
        v.state.desired,
        v.state.observed,
        shortContainer(v.containerId),
        String(v.restarts),
        v.lastError ? truncate(`${v.lastError.code}: ${v.lastError.message}`, MAX_ERROR_WIDTH) : dash(null),
      ]),
    ),
  );
}

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
