import type { Command } from 'commander';
import { AgentNameSchema } from '@sacp/events';
import type { CliContext } from '../context';
import { checkLocally, REASON_HELP } from '../options';
import { json, shortContainer, shortId } from '../output/format';
import type { Runtime } from '../runtime';

export function registerAdopt(program: Command, rt: Runtime): void {
  program
    .command('adopt')
    .summary('bring an existing container under management as an agent')
    .description('Registers a container made outside the control plane as an agent, keeping the container as it is.')
    .argument('<container>', 'Docker container id or name')
    .option('--name <name>', 'agent name (default: derived from the container name)')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ sacp adopt legacy-bot\n  $ sacp adopt 3f2a9c1b7e4d --name reviewer-old --reason "migrating to sacp"')
    .action(rt.action(adopt));
}

async function adopt(ctx: CliContext, container: string, o: { name?: string; reason?: string; json?: boolean }): Promise<void> {
  if (o.name !== undefined) checkLocally(AgentNameSchema, o.name, '--name');
  const reply = await ctx.command('agent.adopt', { container, ...(o.name ? { name: o.name } : {}) }, { reason: o.reason, what: 'adopt' });
  const r = reply.result;
  if (o.json) return ctx.io.out(json({ agentId: r.agentId, name: r.name, containerId: r.containerId, state: { desired: r.desired } }));
  ctx.io.out(`adopted container ${shortContainer(r.containerId)} as agent ${r.name} (${shortId(r.agentId)}), desired ${r.desired}\n`);
}
