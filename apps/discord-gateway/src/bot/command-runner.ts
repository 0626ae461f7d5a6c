/*
 * Runs one parsed command against the control plane and says what happened. Knows
 * nothing of discord.js: the caller gives the actor, the command id and a way to
 * show progress, and sends the replies it gets back.
 */
import { Inject, Injectable } from '@nestjs/common';
import { BusClient, type OnWaiting, type RetryPolicy } from '@sacp/bus';
import type { Actor, CommandType, Role, WireError } from '@sacp/events';
import { CONFIG } from '@sacp/platform/nest';
import type { DiscordGatewayConfig } from '../config';
import { inertCode, inertLine } from '../text/inert';
import { AgentFollower, queryRetry, type Goal } from './agent-follow';
import type { ParsedCommand } from './command-specs';
import { changedReply, errorReply, helpReply, historyReply, logsReply, templatesReply, whyReply } from './replies';
import type { BotReply } from './reply-types';
import { LogTailer } from './log-tail';
import { StatusReader } from './status-reader';
import { TaskCommandRunner } from './task-command-runner';
import { TeamCommandRunner } from './team-command-runner';
import { activityReply, teamReply } from './team-replies';

export interface RunContext {
  commandId: string;
  actor: Actor;
  /** discord:<guild>/<channel> */
  source: string;
  held: Role | null;
  /** shows an interim reply (e.g. "deploying…", "the bus is away, retrying") */
  progress: (reply: BotReply) => Promise<void>;
}

/** Entries one activity reply shows (newest first; the rest is in `sacp team activity`). */
const ACTIVITY_ENTRIES = 15;

/** Events `why` reads back through (the causation chain of the latest change). */
const WHY_EVENTS = 500;

/** The lifecycle commands: what each sends, where it leads, and what the reply says once it is there. */
const CHANGES = {
  stop: { type: 'agent.stop', goal: 'stopped', done: (name: string) => `⏹️ **${name}** is stopped` },
  start: { type: 'agent.start', goal: 'running', done: (name: string) => `▶️ **${name}** is running` },
  restart: { type: 'agent.restart', goal: 'running', done: (name: string) => `🔄 **${name}** restarted and is running` },
  rm: { type: 'agent.remove', goal: 'removed', done: (name: string) => `🗑️ **${name}** is removed` },
} as const satisfies Record<string, { type: CommandType; goal: Goal; done: (name: string) => string }>;

@Injectable()
export class CommandRunner {
  private readonly prefix: string;
  private readonly retry: RetryPolicy;

  constructor(
    @Inject(BusClient) private readonly bus: BusClient,
    @Inject(StatusReader) private readonly reader: StatusReader,
    @Inject(AgentFollower) private readonly follower: AgentFollower,
    @Inject(LogTailer) private readonly tailer: LogTailer,
    @Inject(TeamCommandRunner) private readonly teams: TeamCommandRunner,
    @Inject(TaskCommandRunner) private readonly tasks: TaskCommandRunner,
    @Inject(CONFIG) config: DiscordGatewayConfig,
  ) {
    this.prefix = config.DISCORD_PREFIX;
    this.retry = queryRetry(config);
  }

  private waiting(ctx: Pick<RunContext, 'progress'>): OnWaiting {
    return (e: WireError) =>
      ctx.progress({
        content: `⏳ the control plane is not answering (${e.code === 'BUS.NO_RESPONDERS' ? 'no orchestrator' : 'message bus unreachable'}); retrying with the same command, so it cannot run twice…`,
      });
  }

  async run(cmd: ParsedCommand, ctx: RunContext): Promise<BotReply> {
    const a = cmd.args;
    const reading = { retry: this.retry, onWaiting: this.waiting(ctx) };
    switch (cmd.spec.name) {
      case 'help':
        return helpReply(ctx.held, this.prefix);
      case 'status':
        return this.reader.status(typeof a.target === 'string' ? a.target : null, 1, this.waiting(ctx));
      case 'templates': {
        const r = await this.bus.query('template.list', {}, reading);
        return r.ok ? templatesReply(r.result.templates, r.result.problems, this.prefix) : errorReply(r.error, this.prefix);
      }
      case 'logs':
        return this.logs(String(a.agent), Number(a.lines ?? 20), reading);
      case 'tail':
        return this.tailer.tail(String(a.target), Number(a.seconds ?? 30), this.prefix, reading, ctx.progress);
      case 'history':
      case 'why': {
        // only what a message can show: the last events (a longer history is in `sacp history`)
        const limit = cmd.spec.name === 'why' ? WHY_EVENTS : Number(a.limit ?? 15);
        const r = await this.reader.list({ type: 'agent.history', body: { agent: String(a.agent), limit } }, this.waiting(ctx));
        if (!r.ok) return errorReply(r.error, this.prefix);
        return cmd.spec.name === 'why' ? whyReply(String(a.agent), r.items) : historyReply(String(a.agent), r.items, limit);
      }
      case 'team': {
        const r = await this.bus.query('team.get', { team: String(a.team) }, reading);
        return r.ok ? teamReply(r.result) : errorReply(r.error, this.prefix);
      }
      case 'activity': {
        // a team's name, else an agent's
        const target = String(a.team);
        const team = await this.bus.query('team.activity', { team: target, pageSize: ACTIVITY_ENTRIES }, reading);
        if (team.ok) return activityReply(`team ${target}`, team.result);
        if (team.error.code !== 'TEAM.NOT_FOUND') return errorReply(team.error, this.prefix);
        const agent = await this.bus.query('agent.activity', { agent: target, pageSize: ACTIVITY_ENTRIES }, reading);
        if (agent.ok) return activityReply(target, agent.result);
        return errorReply(agent.error.code === 'AGENT.NOT_FOUND' ? { code: 'TEAM.NOT_FOUND', message: `there is no team or agent named "${target}"` } : agent.error, this.prefix);
      }
      case 'deploy':
        return this.deploy(cmd, ctx);
      case 'adopt': {
        const reply = await this.bus.send('agent.adopt', { container: String(a.container), ...(a.name ? { name: String(a.name) } : {}) }, this.sending(cmd, ctx));
        if (!reply.ok) return errorReply(reply.error, this.prefix);
        // the name passed the agent-name contract ([a-z0-9-]): nothing in it can be markdown
        return { content: `📥 adopted container \`${reply.result.containerId.slice(0, 12)}\` as **${reply.result.name}**` };
      }
      case 'stop':
      case 'start':
      case 'restart':
      case 'rm':
        return this.change(cmd.spec.name, cmd, ctx);
      case 'team create':
      case 'team deploy':
      case 'team stop':
      case 'team add':
      case 'team remove':
      case 'team delete':
        return this.teams.run(cmd, this.sending(cmd, ctx));
      case 'task':
      case 'task list':
      case 'task show':
      case 'task cancel':
        return this.tasks.run(cmd, this.sending(cmd, ctx));
    }
  }

  private sending(cmd: ParsedCommand, ctx: RunContext) {
    return { commandId: ctx.commandId, actor: ctx.actor, source: ctx.source, reason: cmd.reason, onWaiting: this.waiting(ctx) };
  }

  private async logs(agent: string, lines: number, reading: { retry: RetryPolicy; onWaiting: OnWaiting }): Promise<BotReply> {
    const first = await this.bus.query('agent.logs', { agent, lines, follow: false }, reading);
    // a removed agent's container is gone: what the monitor collected of it is kept within retention
    if (!first.ok && first.error.code === 'AGENT.NOT_FOUND') return (await this.tailer.collected(agent, lines, reading)) ?? errorReply(first.error, this.prefix);
    if (!first.ok) return errorReply(first.error, this.prefix);
    if (!first.nextCursor) return logsReply(first.result.agent, first.result.lines);
    // more than a page: pages come oldest first, and a message shows the newest
    // lines, so ask again for only as many as fit one page
    const last = await this.bus.query('agent.logs', { agent, lines: Math.max(1, first.result.lines.length), follow: false }, reading);
    if (!last.ok) return errorReply(last.error, this.prefix);
    const note = `\n(the ${lines} lines asked for are more than one reply holds; all of them: \`sacp logs ${inertCode(agent)} -n ${lines}\`)`;
    let shown = last.result.lines;
    let reply = logsReply(last.result.agent, shown);
    // room for the note within Discord's 2000 characters: drop the oldest lines shown
    while ((reply.content ?? '').length + note.length > 2000 && shown.length > 1) reply = logsReply(last.result.agent, (shown = shown.slice(1)));
    return { ...reply, content: `${reply.content ?? ''}${note}` };
  }

  private async deploy(cmd: ParsedCommand, ctx: RunContext): Promise<BotReply> {
    const template = String(cmd.args.template);
    const reply = await this.bus.send('agent.deploy', { template, ...(cmd.args.name ? { name: String(cmd.args.name) } : {}) }, this.sending(cmd, ctx));
    if (!reply.ok) return errorReply(reply.error, this.prefix);
    const r = reply.result;
    const from = `\`${inertCode(r.template ? `${r.template.name}@${r.template.version}` : template)}\``;
    const name = inertLine(r.name);
    await ctx.progress({ content: `🚀 deploying **${name}** from ${from}…` });
    return this.follower.follow(r.agentId, r.name, 'running', `✅ **${name}** is running (from ${from})`);
  }

  private async change(verb: keyof typeof CHANGES, cmd: ParsedCommand, ctx: RunContext): Promise<BotReply> {
    const change = CHANGES[verb];
    const agent = String(cmd.args.agent);
    const reply = await this.bus.send(change.type, { agent }, this.sending(cmd, ctx));
    if (!reply.ok) return errorReply(reply.error, this.prefix);
    const r = reply.result;
    if (r.changed === false) return changedReply(verb, r, agent);
    await ctx.progress(changedReply(verb, r, agent));
    return this.follower.follow(r.agentId, r.name, change.goal, change.done(inertLine(r.name)), verb === 'restart');
  }
}
