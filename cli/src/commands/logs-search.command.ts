import type { Command } from 'commander';
import { LogSearchContract, type LogSearchRequest, type StoredLogLine } from '@sacp/events';
import type { CliContext } from '../context';
import { refused } from '../errors';
import { checkLocally, parseCount } from '../options';
import type { Runtime } from '../runtime';

interface SearchOptions {
  agent?: string;
  team?: string;
  from?: string;
  to?: string;
  limit: number;
  json?: boolean;
}

/** `sacp logs search [text]`: the stored lines (kept after a container is gone, within retention), newest first. */
export function registerLogsSearch(logs: Command, rt: Runtime): void {
  logs
    .command('search')
    .summary('search the collected logs of every agent, removed ones included')
    .description(
      'Searches the lines the monitor collected from every agent\'s container (kept after the container is gone, within retention), newest first: by agent, team, time range and words (Postgres full-text search: words, "a phrase", or, -word; whole words, not substrings).',
    )
    .argument('[text...]', 'words the lines must contain')
    .option('--agent <agent>', 'only this agent (name or id; a name finds every agent that had it)')
    .option('--team <team>', 'only agents of this team')
    .option('--from <time>', 'lines at or after this ISO time, e.g. 2026-11-30T09:00:00Z')
    .option('--to <time>', 'lines before this ISO time')
    .option('-n, --limit <n>', 'at most n lines (default 100)', parseCount(100_000), 100)
    .option('--json', 'print the lines as JSON, one object a line')
    .addHelpText(
      'after',
      `
Examples:
  $ sacp logs search error --agent coder-1
  $ sacp logs search '"connection refused" -retry' --from 2026-11-30T00:00:00Z
  $ sacp logs search --agent old-agent -n 1000 --json | jq -r .line`,
    )
    .action(rt.action(search));
}

async function search(ctx: CliContext, words: string[], o: SearchOptions): Promise<void> {
  const text = words.join(' ').trim();
  const body: LogSearchRequest = {
    ...(o.agent ? { agent: o.agent } : {}),
    ...(o.team ? { team: o.team } : {}),
    ...(o.from ? { from: o.from } : {}),
    ...(o.to ? { to: o.to } : {}),
    ...(text ? { text } : {}),
  };
  checkLocally(LogSearchContract, body, 'search');
  let left = o.limit;
  let cursor: string | undefined;
  let found = 0;
  do {
    const reply = await ctx.bus.query('logs.search', { ...body, limit: Math.min(left, 1000), ...(cursor ? { cursor } : {}) });
    if (!reply.ok) throw refused(reply.error, 'logs search');
    for (const l of reply.result) ctx.io.out(o.json ? `${JSON.stringify(l)}\n` : format(l));
    found += reply.result.length;
    left -= reply.result.length;
    cursor = reply.nextCursor;
  } while (cursor && left > 0);
  if (found === 0 && !o.json) ctx.io.err('sacp: no stored line matches\n');
}

const format = (l: StoredLogLine): string => `${l.at} ${l.agentName}${l.stream === 'stderr' ? ' [stderr]' : ''} ${l.line}\n`;
