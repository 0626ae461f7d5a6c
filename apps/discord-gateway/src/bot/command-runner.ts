/*
 * Runs one parsed command against the control plane and says what happened. Knows
 * nothing of discord.js: the caller gives the actor, the command id and a way to
 * show progress, and sends the replies it gets back.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import type { Role } from '../../../../libs/events/src/commands/refuse-access.v1';
import type { WireError } from '../../../../libs/events/src/error-codes';
import type { Actor } from '../../../../libs/events/src/metadata';
import type { MetricsAgentsReply } from '../../../../libs/events/src/metrics';
import type { AgentStatusView, HistoryEntry, LogLine } from '../../../../libs/events/src/queries';
import { Subjects } from '../../../../libs/events/src/subjects';
import type { JsonLogger } from '../../../../libs/platform/src/logger';
import type { ParsedCommand } from './command-specs';
import type { ControlPlaneClient } from './control-plane.client';
import { changedReply, errorReply, helpReply, historyReply, logsReply, statusPage, templatesReply, whyReply, type BotReply, type TemplateInfo } from './replies';

export interface RunContext {
  commandId: string;
  actor: Actor;
  /** discord:<guild>/<channel> */
  source: string;
  held: Role | null;
  /** shows an interim reply (e.g. "deploying…", "the bus is away, retrying") */
  progress: (reply: BotReply) => Promise<void>;
}

const POLL_MS = 250;

export class CommandRunner {
  constructor(
    private readonly cp: ControlPlaneClient,
    private readonly nc: NatsConnection,
    private readonly log: JsonLogger,
    private readonly opts: { prefix: string; followMs: number },
  ) {}

  private waiting(ctx: RunContext) {
    return (e: WireError) =>
      ctx.progress({ content: `⏳ the control plane is not answering (${e.code === 'BUS.NO_RESPONDERS' ? 'no orchestrator' : 'message bus unreachable'}); retrying with the same command, so it cannot run twice…` });
  }

  async run(cmd: ParsedCommand, ctx: RunContext): Promise<BotReply> {
    const a = cmd.args;
    switch (cmd.spec.name) {
      case 'help':
        return helpReply(ctx.held, this.opts.prefix);
      case 'status':
        return this.status(typeof a.target === 'string' ? a.target : null, 1, ctx);
      case 'templates': {
        const r = await this.cp.query<{ templates: TemplateInfo[]; problems: { file: string }[] }>('template.list', {}, this.waiting(ctx));
        return r.ok ? templatesReply(r.result.templates, r.result.problems, this.opts.prefix) : errorReply(r.error, this.opts.prefix);
      }
      case 'logs': {
        const r = await this.cp.query<{ agent: string; lines: LogLine[] }>('agent.logs', { agent: a.agent, lines: a.lines ?? 20, follow: false }, this.waiting(ctx));
        return r.ok ? logsReply(r.result.agent, r.result.lines) : errorReply(r.error, this.opts.prefix);
      }
      case 'history':
      case 'why': {
        const r = await this.cp.query<HistoryEntry[]>('agent.history', { agent: a.agent }, this.waiting(ctx));
        if (!r.ok) return errorReply(r.error, this.opts.prefix);
        return cmd.spec.name === 'why' ? whyReply(String(a.agent), r.result) : historyReply(String(a.agent), r.result, Number(a.limit ?? 15));
      }
      case 'deploy':
        return this.deploy(cmd, ctx);
      case 'stop':
      case 'start':
      case 'restart':
      case 'rm':
        return this.change(cmd, ctx);
    }
  }

  private send(cmd: ParsedCommand, payload: Record<string, unknown>, ctx: RunContext) {
    return this.cp.command<{ agentId: string; name: string; changed: boolean; desired: string; template?: { name: string; version: number } }>(cmd.spec.busCommand!, payload, {
      commandId: ctx.commandId,
      actor: ctx.actor,
      source: ctx.source,
      reason: cmd.reason,
      onWaiting: this.waiting(ctx),
    });
  }

  private async deploy(cmd: ParsedCommand, ctx: RunContext): Promise<BotReply> {
    const reply = await this.send(cmd, { template: cmd.args.template, ...(cmd.args.name ? { name: cmd.args.name } : {}) }, ctx);
    if (!reply.ok) return errorReply(reply.error, this.opts.prefix);
    const r = reply.result;
    const from = r.template ? `\`${r.template.name}@${r.template.version}\`` : `\`${String(cmd.args.template)}\``;
    await ctx.progress({ content: `🚀 deploying **${r.name}** from ${from}…` });
    return this.follow(r.agentId, r.name, 'running', `✅ **${r.name}** is running (from ${from})`);
  }

  private async change(cmd: ParsedCommand, ctx: RunContext): Promise<BotReply> {
    const reply = await this.send(cmd, { agent: cmd.args.agent }, ctx);
    if (!reply.ok) return errorReply(reply.error, this.opts.prefix);
    const r = reply.result;
    const verb = cmd.spec.name;
    if (r.changed === false) return changedReply(verb, r, String(cmd.args.agent));
    await ctx.progress(changedReply(verb, r, String(cmd.args.agent)));
    const goal = verb === 'stop' ? 'stopped' : verb === 'rm' ? 'removed' : 'running';
    const done: Record<string, string> = { stop: `⏹️ **${r.name}** is stopped`, start: `▶️ **${r.name}** is running`, restart: `🔄 **${r.name}** restarted and is running`, rm: `🗑️ **${r.name}** is removed` };
    return this.follow(r.agentId, r.name, goal, done[verb]!, verb === 'restart');
  }

  /**
   * Watches the agent until it reaches the goal, fails, or DISCORD_FOLLOW_MS pass. Level
   * triggered: it polls the status the orchestrator answers from the event store.
   */
  private async follow(agentId: string, name: string, goal: 'running' | 'stopped' | 'removed', doneText: string, restart = false): Promise<BotReply> {
    const deadline = Date.now() + this.opts.followMs;
    const since = Date.now() - 2000;
    let before: AgentStatusView | null = null;
    let last: AgentStatusView | null = null;
    let firstRestarts: number | null = null;
    for (;;) {
      const r = await this.cp.query<AgentStatusView[]>('agent.status', { agent: agentId });
      if (!r.ok) {
        if (goal === 'removed' && r.error.code === 'AGENT.NOT_FOUND') return { content: doneText };
        if (r.error.code !== 'AGENT.NOT_FOUND') return { content: `⚠️ ${name} was accepted, but its progress cannot be followed: ${r.error.message}` };
      } else if (r.result[0]) {
        const v = r.result[0];
        before ??= v;
        last = v;
        firstRestarts ??= v.restarts;
        const observed = v.state.observed;
        if (goal === 'removed' && (observed === 'removed' || v.state.desired === 'removed' && observed === 'absent')) return { content: doneText };
        if (goal === 'stopped' && (observed === 'stopped' || observed === 'exited' || observed === 'absent')) return { content: doneText };
        if (goal === 'running' && observed === 'running' && (!restart || v.restarts > firstRestarts || v.generation > before.generation || v.runningSince !== before.runningSince))
          return { content: `${doneText}${v.containerId ? ` · container \`${v.containerId.slice(0, 12)}\`` : ''}` };
        // an error from before this command (an earlier attempt) does not count
        const err = v.lastError && Date.parse(v.lastError.at) >= since ? v.lastError : null;
        if (err) return { content: `❌ **${name}** did not become ${goal}: ${err.code}: ${err.message} (while trying to ${err.operation})` };
        if (v.recoveryAbandoned && goal === 'running') return { content: `❌ **${name}** keeps crashing; auto-recovery gave up. See \`${this.opts.prefix}why ${name}\`` };
      }
      if (Date.now() + POLL_MS > deadline)
        return { content: `⏳ **${name}** was accepted but is not ${goal} after ${Math.round(this.opts.followMs / 1000)} s (now ${last ? last.state.observed : 'not yet visible'}); it may still get there: check \`${this.opts.prefix}status ${name}\`` };
      await new Promise((res) => setTimeout(res, POLL_MS));
    }
  }

  /** A status page: one agent, the agents of one template, or all of them. */
  async status(target: string | null, page: number, ctx?: Pick<RunContext, 'progress'>): Promise<BotReply> {
    const onWaiting = ctx ? this.waiting(ctx as RunContext) : undefined;
    const [list, resources] = await Promise.all([this.cp.query<AgentStatusView[]>('agent.status', target ? { agent: target } : {}, onWaiting), this.resources()]);
    let views: AgentStatusView[];
    let title = 'Agents';
    if (list.ok) {
      views = list.result;
      if (target && views[0]) title = `Agent ${views[0].name}`;
    } else if (target && list.error.code === 'AGENT.NOT_FOUND') {
      const all = await this.cp.query<AgentStatusView[]>('agent.status', {}, onWaiting);
      if (!all.ok) return errorReply(all.error, this.opts.prefix);
      views = all.result.filter((v) => v.template?.name === target);
      if (!views.length) return errorReply({ code: 'AGENT.NOT_FOUND', message: `there is no agent or template named "${target}"` }, this.opts.prefix);
      title = `Agents from template ${target}`;
    } else return errorReply(list.error, this.opts.prefix);
    if (!views.length) return { content: `no agents yet: deploy one with \`${this.opts.prefix}deploy <template>\` (see \`${this.opts.prefix}templates\`)` };
    views.sort((x, y) => x.name.localeCompare(y.name));
    return statusPage({ views, resources, page, target, title });
  }

  /** The monitor's latest samples; status is shown without them when no monitor answers within a second. */
  private async resources(): Promise<MetricsAgentsReply['agents'] | null> {
    try {
      const msg = await this.nc.request(Subjects.query('metrics.agents'), '{}', { timeout: 1000 });
      const r = msg.json<{ ok: boolean; result?: MetricsAgentsReply }>();
      return r.ok && r.result ? r.result.agents : null;
    } catch {
      return null;
    }
  }
}
