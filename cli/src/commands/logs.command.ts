import type { Command } from 'commander';
import type { LogLine, LogsPage } from '@sacp/events';
import { queryPages } from '../paging';
import type { CliContext } from '../context';
import { CliError, ExitCode } from '../errors';
import { parseCount } from '../options';
import type { Runtime } from '../runtime';
import { registerLogsSearch } from './logs-search.command';
import { registerLogsTail } from './logs-tail.command';

interface LogsOptions {
  lines: number;
  follow?: boolean;
  timestamps?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerLogs(program: Command, rt: Runtime): void {
  const command = program
    .command('logs')
    .summary("print an agent's container logs")
    .description(
      "Prints the last lines of the agent's container logs (stdout lines to stdout, stderr lines to stderr). With --follow, keeps printing new lines until Ctrl-C or until the container stops.",
    )
    .argument('<agent>', 'agent name or id')
    .option('-n, --lines <n>', 'how many of the last lines to print', parseCount(10_000), 100)
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('-t, --timestamps', "prefix each line with Docker's timestamp")
    .addHelpText(
      'after',
      `
Examples:
  $ sacp logs coder-1 -n 20
  $ sacp logs coder-1 -f
  $ sacp logs coder-1 -n 1000 | grep -i error
  $ sacp logs search error --agent coder-1     (the collected logs, also of removed agents: sacp logs search --help)`,
    )
    .action(rt.action(logs));
  registerLogsSearch(command, rt);
  registerLogsTail(command, rt);
}

async function logs(ctx: CliContext, agent: string, o: LogsOptions): Promise<void> {
  if (!o.follow) {
    // page by page as they come: a long tail never sits whole in memory
    let last: LogsPage | null = null;
    for await (const page of queryPages(ctx, 'agent.logs', { agent, lines: o.lines, follow: false }, 'logs', (p) => p.lines.length)) {
      for (const l of page.lines) print(ctx, l, o);
      last = page;
    }
    if (last?.remainingLines && last.note) ctx.io.err(`sacp: ${last.remainingLines} of the requested lines were not available: ${last.note}\n`);
    return;
  }
  await follow(ctx, agent, o);
}

function print(ctx: CliContext, l: LogLine, o: LogsOptions): void {
  const text = `${o.timestamps && l.ts ? `${l.ts} ` : ''}${l.line}\n`;
  if (l.stream === 'stderr') ctx.io.err(text);
  else ctx.io.out(text);
}

/**
 * The orchestrator starts publishing on the session subject as soon as it answers,
 * so the CLI subscribes to the agent's log subjects before asking: no line is lost
 * between the reply and the subscription.
 */
async function follow(ctx: CliContext, agent: string, o: LogsOptions): Promise<void> {
  const agentId = UUID.test(agent) ? agent : (await ctx.query('agent.status', { agent }, 'logs'))[0]?.id;
  const nc = await ctx.bus.connection();
  const sub = nc.subscribe(agentId ? `sacp.logs.${agentId}.*` : 'sacp.logs.*.*');
  const r = await ctx.query('agent.logs', { agent, lines: o.lines, follow: true }, 'logs');

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    // tell the orchestrator to end the session now rather than when its lease runs out
    nc.publish(`${r.subject}.stop`, 'stop');
    sub.unsubscribe();
  };
  const keepAlive = setInterval(
    () => {
      if (!nc.isClosed()) nc.publish(`${r.subject}.alive`, 'alive');
    },
    Math.max(1000, r.keepAliveMs),
  );
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  let ended = false;
  try {
    for await (const msg of sub) {
      if (msg.subject !== r.subject) continue;
      const data = msg.json<LogLine | { end: true }>();
      if ('end' in data) {
        ended = true;
        break;
      }
      print(ctx, data, o);
    }
  } finally {
    clearInterval(keepAlive);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.off('SIGHUP', stop);
  }
  if (ended) ctx.io.err(`sacp: the log stream of agent ${r.agent} ended (its container stopped or was replaced)\n`);
  else if (!stopped) throw new CliError(`BUS.UNAVAILABLE: the connection to NATS at ${ctx.bus.url} was lost while following logs`, ExitCode.UNREACHABLE, 'BUS.UNAVAILABLE');
}
