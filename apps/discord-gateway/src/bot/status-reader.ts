import { Inject, Injectable } from '@nestjs/common';
import { BusClient, NO_RETRY, type OnWaiting, type RetryPolicy } from '@sacp/bus';
import type { AgentResourceSample, AgentStatusView, HistoryEntry, WireError } from '@sacp/events';
import { JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import type { DiscordGatewayConfig } from '../config';
import { inertLine } from '../text/inert';
import { queryRetry } from './agent-follow';
import { errorReply } from './replies';
import type { BotReply } from './reply-types';
import { statusPage } from './status-replies';

/** Most pages one bot reply reads; what is beyond is for `sacp`, which reads them all. */
const MAX_PAGES = 5;

/** The list queries a reply reads page by page. */
type ListQuery = { type: 'agent.status'; body: { agent?: string } } | { type: 'agent.history'; body: { agent: string; limit?: number } };
type ItemsOf<L extends ListQuery> = L['type'] extends 'agent.status' ? AgentStatusView : HistoryEntry;

export type Listed<T> = { ok: true; items: T[]; more: boolean } | { ok: false; error: WireError };

/**
 * Reads for replies: status pages (with the monitor's resource figures when a monitor
 * answers in time), bounded lists, and names to suggest while a slash command is typed.
 */
@Injectable()
export class StatusReader {
  private readonly prefix: string;
  private readonly retry: RetryPolicy;
  private readonly nameCache = new Map<string, { at: number; names: Promise<string[]> }>();

  constructor(
    @Inject(BusClient) private readonly bus: BusClient,
    @Inject(LOGGER) private readonly log: JsonLogger,
    @Inject(CONFIG) config: DiscordGatewayConfig,
  ) {
    this.prefix = config.DISCORD_PREFIX;
    this.retry = queryRetry(config);
  }

  /** A status page: one agent, the agents of one template, or all of them. */
  async status(target: string | null, page: number, onWaiting?: OnWaiting): Promise<BotReply> {
    const [list, resources] = await Promise.all([this.list({ type: 'agent.status', body: target ? { agent: target } : {} }, onWaiting), this.resources()]);
    let views: AgentStatusView[];
    let title = 'Agents';
    let more = false;
    if (list.ok) {
      views = list.items;
      more = list.more;
      if (target && views[0]) title = `Agent ${inertLine(views[0].name)}`;
    } else if (target && list.error.code === 'AGENT.NOT_FOUND') {
      const all = await this.list({ type: 'agent.status', body: {} }, onWaiting);
      if (!all.ok) return errorReply(all.error, this.prefix);
      more = all.more;
      views = all.items.filter((v) => v.template?.name === target);
      if (!views.length) return errorReply({ code: 'AGENT.NOT_FOUND', message: `there is no agent or template named "${target}"` }, this.prefix);
      title = `Agents from template ${inertLine(target)}`;
    } else return errorReply(list.error, this.prefix);
    if (!views.length) return { content: `no agents yet: deploy one with \`${this.prefix}deploy <template>\` (see \`${this.prefix}templates\`)` };
    views.sort((x, y) => x.name.localeCompare(y.name));
    const reply = statusPage({ views, resources, page, target, title });
    if (more) reply.content = `Showing the first ${views.length} agents; there are more: see one with \`${this.prefix}status <name>\`, or all of them with \`sacp status\`.`;
    return reply;
  }

  /**
   * The items of a paginated query, following its cursor for at most MAX_PAGES pages:
   * a reply stays bounded however many there are; `more` says some were left out.
   */
  async list<L extends ListQuery>(q: L, onWaiting?: OnWaiting): Promise<Listed<ItemsOf<L>>> {
    const items: ItemsOf<L>[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const body = cursor ? { ...q.body, cursor } : q.body;
      // the two list queries share their paging; each one's items are typed by ItemsOf
      const r = (await this.bus.query(q.type, body as never, { retry: this.retry, ...(onWaiting ? { onWaiting } : {}) })) as
        { ok: true; result: ItemsOf<L>[]; nextCursor?: string } | { ok: false; error: WireError };
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

  private cachedNames(query: 'agent.status' | 'template.list'): Promise<string[]> {
    const hit = this.nameCache.get(query);
    if (hit && Date.now() - hit.at < 2000) return hit.names;
    const names = this.names(query);
    this.nameCache.set(query, { at: Date.now(), names });
    return names;
  }

  private async names(query: 'agent.status' | 'template.list'): Promise<string[]> {
    const fast = { timeoutMs: 1500, retry: NO_RETRY };
    const r = query === 'agent.status' ? await this.bus.query('agent.status', {}, fast) : await this.bus.query('template.list', {}, fast);
    if (!r.ok) {
      this.log.debug('no names to suggest: the control plane did not answer in time', { query, code: r.error.code, error: r.error.message });
      return [];
    }
    return Array.isArray(r.result) ? r.result.map((v) => v.name) : r.result.templates.map((t) => t.name);
  }

  /** The monitor's latest samples; status is shown without them when no monitor answers within a second. */
  private async resources(): Promise<Record<string, AgentResourceSample> | null> {
    const r = await this.bus.query('metrics.agents', {}, { timeoutMs: 1000, retry: NO_RETRY });
    return r.ok ? r.result.agents : null;
  }
}
