import type { Command } from 'commander';
import type { LiveLogLine } from '@sacp/events';
import type { CliContext } from '../context';
import { CliError, ExitCode } from '../errors';
import type { Runtime } from '../runtime';

interface TailOptions {
  agent?: string;
  team?: string;
  json?: boolean;
}

/** `sacp logs tail`: the lines the monitor collects, as it stores them, of one agent, one team, or every agent. */
export function registerLogsTail(logs: Command, rt: Runtime): void {
  logs
    .command('tail')
    .summary('print collected log lines as they are stored (one agent, a team, or all), until Ctrl-C')
    .description(
      "Prints every line the monitor's log collector stores, as it stores it (NATS subject sacp.agentlogs.<agentId>): of one agent, of a team's agents, or of every agent. Nothing is replayed: for earlier lines, use `sacp logs search`.",
    )
    .option('--agent <agent>', 'only this agent (name or id)')
    .option('--team <team>', 'only agents of this team')
    .option('--json', 'print the lines as JSON, one object a line')
    .addHelpText(
      'after',
      `
Examples:
  $ sacp logs tail
  $ sacp logs tail --agent coder-1 --json`,
    )
    .action(rt.action(tail));
}

async function tail(ctx: CliContext, o: TailOptions): Promise<void> {
  const agentId = o.agent ? (await ctx.query('agent.status', { agent: o.agent }, 'logs tail'))[0]?.id : undefined;
  if (o.agent && !agentId) throw new CliError(`AGENT.NOT_FOUND: no agent "${o.agent}"`, ExitCode.FAILED, 'AGENT.NOT_FOUND');
  const nc = await ctx.bus.connection();
  const sub = nc.subscribe(`sacp.agentlogs.${agentId ?? '*'}`);
  let stopped = false;
  const stop = () => {
    stopped = true;
    sub.unsubscribe();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for await (const msg of sub) {
      const l = msg.json<LiveLogLine>();
      if (o.team && l.team !== o.team) continue;
      if (o.json) ctx.io.out(`${JSON.stringify(l)}\n`);
      else if (l.stream === 'stderr') ctx.io.err(`${l.at} ${l.agentName} ${l.line}\n`);
      else ctx.io.out(`${l.at} ${l.agentName} ${l.line}\n`);
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  if (!stopped) throw new CliError(`BUS.UNAVAILABLE: the connection to NATS at ${ctx.bus.url} was lost while tailing logs`, ExitCode.UNREACHABLE, 'BUS.UNAVAILABLE');
}
