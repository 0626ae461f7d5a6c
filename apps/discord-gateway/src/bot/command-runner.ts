/*
 * Runs one parsed command against the control plane and says what happened. Knows
 * nothing of discord.js: the caller gives the actor, the command id and a way to
 * show progress, and sends the replies it gets back.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { type Role, type WireError, type Actor, type MetricsAgentsReply, type AgentStatusView, type HistoryEntry, type LogsPage, Subjects, type StoredEvent } from '@sacp/events';
import type { JsonLogger } from '@sacp/platform';
import type { ParsedCommand } from './command-specs';
import type { ControlPlaneClient } from './control-plane.client';
import { inert, inertCode, inertLine, inertWord } from '../text/inert';
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

type Listener = (e: StoredEvent) => void;

/** Most pages one bot reply reads; what is beyond is for `sacp`, which reads them all. */
const MAX_PAGES = 5;
/** Events `why` reads back through (the causation chain of the latest change). */
const WHY_EVENTS = 500;

export class CommandRunner {
  private readonly watchers = new Map<string, Set<Listener>>();
  private subscribed = false;

  constructor(
    private readonly cp: ControlPlaneClient,
    private readonly nc: NatsConnection,
    private readonly log: JsonLogger,
    private readonly opts: { prefix: string; followMs: number },
  ) {}

  private waiting(ctx: RunContext) {
    return (e: WireError) =>
      ctx.progress({
        content: `⏳ the control plane is not answering (${e.code === 'BUS.NO_RESPONDERS' ? 'no orchestrator' : 'message bus unreachable'}); retrying with the same command, so it cannot run twice…`,
      });
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
        const lines = Number(a.lines ?? 20);
        const first = await this.cp.query<LogsPage>('agent.logs', { agent: a.agent, lines, follow: false }, this.waiting(ctx));
        if (!first.ok) return errorReply(first.error, this.opts.prefix);
        if (!first.nextCursor) return logsReply(first.result.agent, first.result.lines);
        // more than a page: pages come oldest first, and a message shows the newest
        // lines, so ask again for only as many as fit one page
        const last = await this.cp.query<LogsPage>('agent.logs', { agent: a.agent, lines: Math.max(1, first.result.lines.length), follow: false }, this.waiting(ctx));
        if (!last.ok) return errorReply(last.error, this.opts.prefix);
        const note = `\n(the ${lines} lines asked for are more than one reply holds; all of them: \`sacp logs ${inertCode(String(a.agent))} -n ${lines}\`)`;
        let shown = last.result.lines;
        let reply = logsReply(last.result.agent, shown);
        // room for the note within Discord's 2000 characters: drop the oldest lines shown
        while ((reply.content ?? '').length + note.length > 2000 && shown.length > 1) reply = logsReply(last.result.agent, (shown = shown.slice(1)));
        return { ...reply, content: `${reply.content ?? ''}${note}` };
      }
      case 'history':
      case 'why': {
        // only what a message can show: the last events (a longer history is in `sacp history`)
        const limit = cmd.spec.name === 'why' ? WHY_EVENTS : Number(a.limit ?? 15);
        const r = await this.listPages<HistoryEntry>('agent.history', { agent: a.agent, limit }, this.waiting(ctx));
        if (!r.ok) return errorReply(r.error, this.opts.prefix);
        return cmd.spec.name === 'why' ? whyReply(String(a.agent), r.items) : historyReply(String(a.agent), r.items, limit);
      }
      case 'deploy':
        return this.deploy(cmd, ctx);
      case 'adopt': {
        const reply = await this.cp.command<{ agentId: string; name: string; containerId: string }>(
          'agent.adopt',
          { container: cmd.args.container, ...(cmd.args.name ? { name: cmd.args.name } : {}) },
          { commandId: ctx.commandId, actor: ctx.actor, source: ctx.source, reason: cmd.reason, onWaiting: this.waiting(ctx) },
        );
        if (!reply.ok) return errorReply(reply.error, this.opts.prefix);
        // the name passed the agent-name contract ([a-z0-9-]): nothing in it can be markdown
        return { content: `📥 adopted container \`${reply.result.containerId.slice(0, 12)}\` as **${reply.result.name}**` };
      }
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
    const from = r.template ? `\`${inertCode(`${r.template.name}@${r.template.version}`)}\`` : `\`${inertCode(String(cmd.args.template))}\``;
    const name = inertLine(r.name);
    await ctx.progress({ content: `🚀 deploying **${name}** from ${from}…` });
    return this.follow(r.agentId, r.name, 'running', `✅ **${name}** is running (from ${from})`);
  }

  private async change(cmd: ParsedCommand, ctx: RunContext): Promise<BotReply> {
    const reply = await this.send(cmd, { agent: cmd.args.agent }, ctx);
    if (!reply.ok) return errorReply(reply.error, this.opts.prefix);
    const r = reply.result;
    const verb = cmd.spec.name;
    if (r.changed === false) return changedReply(verb, r, String(cmd.args.agent));
    await ctx.progress(changedReply(verb, r, String(cmd.args.agent)));
    const goal = verb === 'stop' ? 'stopped' : verb === 'rm' ? 'removed' : 'running';
    const name = inertLine(r.name);
    const done: Record<string, string> = {
      stop: `⏹️ **${name}** is stopped`,
      start: `▶️ **${name}** is running`,
      restart: `🔄 **${name}** restarted and is running`,
      rm: `🗑️ **${name}** is removed`,
    };
    return this.follow(r.agentId, r.name, goal, done[verb]!, verb === 'restart');
  }

  /**
   * Watches the agent until it reaches the goal, fails, or DISCORD_FOLLOW_MS pass.
   * The agent's events, as the relay publishes them, decide at once; its status (read
   * from the event store's registry) is polled as well, so a missed event only costs
   * a poll interval. `doneText` is already inert; `rawName` is the agent's name as the control plane gave it.
   */
  private async follow(agentId: string, rawName: string, goal: 'running' | 'stopped' | 'removed', doneText: string, restart = false): Promise<BotReply> {
    const deadline = Date.now() + this.opts.followMs;
    const since = Date.now() - 2000;
    const events = this.watch(agentId);
    const name = inertLine(rawName);
    // an operation's failure often quotes what it was given (a name, a path, a port)
    const failed = (f: { code?: string; message?: string; operation?: string }) => ({
      content: `❌ **${name}** did not become ${goal}: ${inertWord(String(f.code))}: ${inert(String(f.message).slice(0, 1500))} (while trying to ${inertWord(String(f.operation))})`,
    });
    try {
      let before: AgentStatusView | null = null;
      let last: AgentStatusView | null = null;
      const running = (containerId: string | null) => ({ content: `${doneText}${containerId ? ` · container \`${inertCode(containerId.slice(0, 12))}\`` : ''}` });
      for (;;) {
        // 1. the events that arrived since the last look
        for (const e of events.take()) {
          const d = e.data as { containerId?: string; operation?: string; code?: string; message?: string };
          if (goal === 'running' && (e.type === 'agent.container_started' || e.type === 'agent.container_restarted')) return running(d.containerId ?? null);
          if (goal === 'stopped' && (e.type === 'agent.container_stopped' || e.type === 'agent.container_exited')) return { content: doneText };
          if (goal === 'removed' && e.type === 'agent.removed') return { content: doneText };
          if (e.type === 'agent.operation_failed') return failed(d);
          if (e.type === 'agent.recovery_abandoned' && goal === 'running')
            return { content: `❌ **${name}** keeps crashing; auto-recovery gave up. See \`${this.opts.prefix}why ${inertCode(rawName)}\`` };
        }
        // 2. the status, for what happened before the watch began
        const r = await this.cp.query<AgentStatusView[]>('agent.status', { agent: agentId });
        if (!r.ok) {
          if (goal === 'removed' && r.error.code === 'AGENT.NOT_FOUND') return { content: doneText };
          if (r.error.code !== 'AGENT.NOT_FOUND') return { content: `⚠️ ${name} was accepted, but its progress cannot be followed: ${inert(r.error.message)}` };
        } else if (r.result[0]) {
          const v = r.result[0];
          before ??= v;
          last = v;
          const observed = v.state.observed;
          if (goal === 'removed' && observed === 'removed') return { content: doneText };
          if (goal === 'stopped' && (observed === 'stopped' || observed === 'exited' || observed === 'absent')) return { content: doneText };
          if (goal === 'running' && observed === 'running' && (!restart || v.restarts > before.restarts || v.runningSince !== before.runningSince)) return running(v.containerId);
          // an error from before this command (an earlier attempt) does not count
          const err = v.lastError && Date.parse(v.lastError.at) >= since ? v.lastError : null;
          if (err) return failed(err);
          if (v.recoveryAbandoned && goal === 'running')
            return { content: `❌ **${name}** keeps crashing; auto-recovery gave up. See \`${this.opts.prefix}why ${inertCode(rawName)}\`` };
        }
        if (Date.now() + POLL_MS > deadline) {
          this.log.info('stopped following an agent: not at its goal in time', { agentId, goal, observed: last?.state.observed ?? null, followMs: this.opts.followMs });
          return {
            content: `⏳ **${name}** was accepted but is not ${goal} after ${Math.round(this.opts.followMs / 1000)} s (now ${last ? last.state.observed : 'not yet visible'}); it may still get there: check \`${this.opts.prefix}status ${inertCode(rawName)}\``,
          };
        }
        await events.next(POLL_MS);
      }
    } finally {
      events.close();
    }
  }

  /** The agent's events as they are published (a core subscription on the event subjects; JetStream publishes reach it too). */
  private watch(agentId: string): { take(): StoredEvent[]; next(timeoutMs: number): Promise<void>; close(): void } {
    let buffer: StoredEvent[] = [];
    let wake: (() => void) | null = null;
    const listener = (e: StoredEvent) => {
      buffer.push(e);
      wake?.();
    };
    let set = this.watchers.get(agentId);
    if (!set) this.watchers.set(agentId, (set = new Set()));
    set.add(listener);
    this.ensureEventSubscription();
    return {
      take: () => {
        const out = buffer;
        buffer = [];
        return out;
      },
      next: (timeoutMs) =>
        buffer.length
          ? Promise.resolve()
          : new Promise<void>((res) => {
              const t = setTimeout(() => ((wake = null), res()), timeoutMs);
              wake = () => {
                clearTimeout(t);
                wake = null;
                res();
              };
            }),
      close: () => {
        set.delete(listener);
        if (!set.size) this.watchers.delete(agentId);
      },
    };
  }

  private ensureEventSubscription(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    this.nc.subscribe(Subjects.event('agent.>'), {
      callback: (_err, msg) => {
        if (!this.watchers.size) return;
        let e: StoredEvent;
        try {
          e = msg.json<StoredEvent>();
        } catch {
          return;
        }
        const id = (e.data as { agentId?: string } | null)?.agentId;
        if (id) for (const l of this.watchers.get(id) ?? []) l(e);
      },
    });
  }

  /** A status page: one agent, the agents of one template, or all of them. */
  async status(target: string | null, page: number, ctx?: Pick<RunContext, 'progress'>): Promise<BotReply> {
    const onWaiting = ctx ? this.waiting(ctx as RunContext) : undefined;
    const [list, resources] = await Promise.all([this.listPages<AgentStatusView>('agent.status', target ? { agent: target } : {}, onWaiting), this.resources()]);
    let views: AgentStatusView[];
    let title = 'Agents';
    let more = false;
    if (list.ok) {
      views = list.items;
      more = list.more;
      if (target && views[0]) title = `Agent ${inertLine(views[0].name)}`;
    } else if (target && list.error.code === 'AGENT.NOT_FOUND') {
      const all = await this.listPages<AgentStatusView>('agent.status', {}, onWaiting);
      if (!all.ok) return errorReply(all.error, this.opts.prefix);
      more = all.more;
      views = all.items.filter((v) => v.template?.name === target);
      if (!views.length) return errorReply({ code: 'AGENT.NOT_FOUND', message: `there is no agent or template named "${target}"` }, this.opts.prefix);
      title = `Agents from template ${inertLine(target)}`;
    } else return errorReply(list.error, this.opts.prefix);
    if (!views.length) return { content: `no agents yet: deploy one with \`${this.opts.prefix}deploy <template>\` (see \`${this.opts.prefix}templates\`)` };
    views.sort((x, y) => x.name.localeCompare(y.name));
    const reply = statusPage({ views, resources, page, target, title });
    if (more) reply.content = `Showing the first ${views.length} agents; there are more: see one with \`${this.opts.prefix}status <name>\`, or all of them with \`sacp status\`.`;
    return reply;
  }

  /**
   * The items of a paginated query, following its cursor for at most MAX_PAGES pages:
   * a reply stays bounded however many there are; `more` says some were left out.
   */
  private async listPages<T>(
    type: string,
    body: Record<string, unknown>,
    onWaiting?: (e: WireError) => void | Promise<void>,
  ): Promise<{ ok: true; items: T[]; more: boolean } | { ok: false; error: WireError }> {
    const items: T[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const r = await this.cp.query<T[]>(type, cursor ? { ...body, cursor } : body, onWaiting);
      if (!r.ok) return r;
      items.push(...r.result);
      cursor = r.nextCursor;
      if (!cursor) return { ok: true, items, more: false };
    }
    return { ok: true, items, more: true };
  }

  /**
   * Names to suggest while a user types: agents, templates or both, those starting
   * with the typed text first, at most 25 (Discord's limit). Answered from a list at
   * most 2 s old, within Discord's 3 s; nothing when the control plane is slow.
   */
  async suggest(kind: 'agent' | 'template' | 'target', typed: string): Promise<string[]> {
    const needle = typed.trim().toLowerCase();
    const [agents, templates] = await Promise.all([kind !== 'template' ? this.cachedNames('agent.status') : [], kind !== 'agent' ? this.cachedNames('template.list') : []]);
    const all = [...new Set([...agents, ...templates])];
    const starts = all.filter((n) => n.toLowerCase().startsWith(needle)).sort();
    const contains = all.filter((n) => !n.toLowerCase().startsWith(needle) && n.toLowerCase().includes(needle)).sort();
    return [...starts, ...contains].slice(0, 25);
  }

  private readonly nameCache = new Map<string, { at: number; names: Promise<string[]> }>();

  private cachedNames(query: 'agent.status' | 'template.list'): Promise<string[]> {
    const hit = this.nameCache.get(query);
    if (hit && Date.now() - hit.at < 2000) return hit.names;
    const names = (async () => {
      try {
        const msg = await this.nc.request(Subjects.query(query), '{}', { timeout: 1500 });
        const r = msg.json<{ ok: boolean; result?: unknown }>();
        if (!r.ok) return [];
        if (query === 'agent.status') return (r.result as AgentStatusView[]).map((v) => v.name);
        return (r.result as { templates: { name: string }[] }).templates.map((t) => t.name);
      } catch (err) {
        this.log.debug('no names to suggest: the control plane did not answer in time', { query, error: err });
        return [];
      }
    })();
    this.nameCache.set(query, { at: Date.now(), names });
    return names;
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
