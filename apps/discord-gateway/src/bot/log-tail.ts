import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { BusClient, type OnWaiting, type RetryPolicy } from '@sacp/bus';
import { Subjects, type LiveLogLine, type StoredLogLine } from '@sacp/events';
import { NATS } from '@sacp/platform/nest';
import { inertCode, inertLine } from '../text/inert';
import { errorReply } from './replies';
import type { BotReply } from './reply-types';

/** How often the reply is edited while lines arrive: well inside Discord's 5 edits per 5 s. */
const EDIT_EVERY_MS = 2500;
/** Lines held for the reply; a message shows the newest that fit. */
const HELD = 60;

type Reading = { retry: RetryPolicy; onWaiting: OnWaiting };

/**
 * `!tail <agent|team> [seconds]`: the lines the monitor collects (NATS
 * `sacp.agentlogs.*`), shown in one reply that is edited as they arrive, for a
 * bounded time. And the fallback of `!logs` for an agent whose container is gone:
 * the collected lines, kept within retention.
 */
@Injectable()
export class LogTailer {
  constructor(
    @Inject(BusClient) private readonly bus: BusClient,
    @Inject(NATS) private readonly nc: NatsConnection,
  ) {}

  async tail(target: string, seconds: number, prefix: string, reading: Reading, progress: (r: BotReply) => Promise<void>): Promise<BotReply> {
    const agent = await this.bus.query('agent.status', { agent: target }, reading);
    let subject: string = Subjects.agentLogsWildcard;
    let team: string | null = null;
    if (agent.ok && agent.result[0]) subject = Subjects.agentLogs(agent.result[0].id);
    else {
      if (!agent.ok && agent.error.code !== 'AGENT.NOT_FOUND') return errorReply(agent.error, prefix);
      const t = await this.bus.query('team.get', { team: target }, reading);
      if (!t.ok) return errorReply(t.error.code === 'TEAM.NOT_FOUND' ? { code: 'AGENT.NOT_FOUND', message: `there is no agent or team named "${target}"` } : t.error, prefix);
      team = t.result.name;
    }
    const held: LiveLogLine[] = [];
    let changed = false;
    const sub = this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        const line = msg.json<LiveLogLine>();
        if (team !== null && line.team !== team) return;
        held.push(line);
        if (held.length > HELD) held.shift();
        changed = true;
      },
    });
    const label = `${team !== null ? 'team ' : ''}**${inertLine(target)}**`;
    const deadline = Date.now() + seconds * 1000;
    try {
      await progress({ content: `📜 following ${label} for ${seconds} s; lines appear here as the monitor collects them…` });
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, Math.min(EDIT_EVERY_MS, Math.max(0, deadline - Date.now()))));
        if (!changed || Date.now() >= deadline) continue;
        changed = false;
        await progress(linesReply(`📜 ${label}, live (${Math.ceil((deadline - Date.now()) / 1000)} s left):`, held, team !== null));
      }
    } finally {
      sub.unsubscribe();
    }
    const more = `follow longer with \`sacp logs tail ${team !== null ? '--team' : '--agent'} ${inertCode(target)}\``;
    if (!held.length) return { content: `📜 ${label} wrote nothing in ${seconds} s; ${more}` };
    return linesReply(`📜 ${label}: the lines of the last ${seconds} s (ended; ${more}):`, held, team !== null);
  }

  /** The newest `lines` collected lines of an agent (removed ones too), or null when none are kept. */
  async collected(agent: string, lines: number, reading: Reading): Promise<BotReply | null> {
    const r = await this.bus.query('logs.search', { agent, limit: lines }, reading);
    if (!r.ok || !r.result.length) return null;
    const oldestFirst = [...r.result].reverse();
    return linesReply(
      `Last ${oldestFirst.length} collected line${oldestFirst.length === 1 ? '' : 's'} of **${inertLine(agent)}** (its container is gone; kept within retention):`,
      oldestFirst,
      false,
    );
  }
}

/** A header and the newest lines that fit Discord's 2000 characters, in a code block. */
function linesReply(header: string, lines: readonly StoredLogLine[], withAgent: boolean): BotReply {
  const body: string[] = [];
  let size = header.length + 10;
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    const full = inertCode(`${withAgent ? `${l.agentName}: ` : ''}${l.line}`);
    const shown = full.length > 300 ? `${full.slice(0, 299)}…` : full;
    if (size + shown.length + 1 > 1990) break;
    body.unshift(shown);
    size += shown.length + 1;
  }
  return { content: `${header}\n\`\`\`\n${body.join('\n')}\n\`\`\`` };
}
