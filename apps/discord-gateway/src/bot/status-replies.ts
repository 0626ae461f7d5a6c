/*
 * Status pages: each agent as a field (state, health, uptime, resources, what is
 * wrong), ten to a page, with buttons to turn the page. Names, messages and errors the
 * control plane did not write go through ../text/inert.
 */
import type { AgentStatusView, AgentResourceSample } from '@sacp/events';
import { bytes, duration, percent, relativeTime, shortContainer, templateLabel } from '@sacp/presentation';
import { inert, inertCode, inertLine, inertWord } from '../text/inert';
import { clip, Colors, EMBED_BUDGET, fitEmbed, type BotReply, type Embed } from './reply-types';

export const AGENTS_PER_PAGE = 10;

const STATE_ICON: Record<string, string> = { running: '🟢', starting: '🟡', created: '🟡', restarting: '🟡', stopped: '⚪', exited: '🔴', absent: '⚫', removed: '⚫' };

export function stateIcon(v: Pick<AgentStatusView, 'state' | 'health'>): string {
  if (v.state.observed === 'running' && v.health === 'unhealthy') return '🟠';
  return STATE_ICON[v.state.observed] ?? '⚪';
}

export function uptimeLabel(v: Pick<AgentStatusView, 'runningSince'>, now = Date.now()): string | null {
  if (!v.runningSince) return null;
  const ms = now - Date.parse(v.runningSince);
  return Number.isFinite(ms) ? `up ${duration(Math.max(0, ms))}` : null;
}

/** One agent as a field: state, health, uptime, resources, restarts, and what is wrong. */
export function agentField(v: AgentStatusView, r: AgentResourceSample | null, now = Date.now(), messageMax = 200): { name: string; value: string; inline: boolean } {
  const facts = [
    (v.state.desired === 'running') !== (v.state.observed === 'running') && v.state.desired !== 'removed' ? `${v.state.observed} (should be ${v.state.desired})` : v.state.observed,
    v.health === 'unknown' ? null : v.health,
    uptimeLabel(v, now),
    r ? `CPU ${percent(r.cpuPercent)}` : null,
    r ? `MEM ${bytes(r.memoryBytes)}${r.memoryLimitBytes ? `/${bytes(r.memoryLimitBytes)}` : ''}` : null,
    v.restarts ? `${v.restarts} restart${v.restarts === 1 ? '' : 's'}` : null,
  ].filter(Boolean);
  const lines = [facts.join(' · '), `\`${inertCode(templateLabel(v.template))}\`${v.containerId ? ` · \`${inertCode(shortContainer(v.containerId))}\`` : ''}`];
  if (v.lastExit && v.state.observed !== 'running') lines.push(`last exit: ${v.lastExit.code ?? '?'}${v.lastExit.oomKilled ? ' (killed: out of memory)' : ''}`);
  if (v.recoveryAbandoned) lines.push('⛔ auto-recovery gave up: start it when fixed');
  else if (v.restartDueAt) lines.push(`↻ restart ${relativeTime(v.restartDueAt, now)}`);
  if (v.lastAlert?.state === 'open') lines.push(`⚠️ ${v.lastAlert.severity ?? 'alert'}: ${inert(clip(v.lastAlert.message, messageMax))}`);
  if (v.lastError) lines.push(`❗ ${inertWord(v.lastError.operation)} failed: ${inert(clip(v.lastError.message, messageMax))}`);
  return { name: clip(`${stateIcon(v)} ${inertLine(v.name)}`, 256), value: clip(lines.join('\n'), 1024), inline: false };
}

export interface StatusPageInput {
  views: AgentStatusView[];
  resources: Record<string, AgentResourceSample> | null;
  page: number;
  /** what was asked for: an agent, a template, or everything */
  target: string | null;
  /** already inert (it may hold a name) */
  title: string;
  now?: number;
}

/** One page of agents (10 per page) with ◀ ▶ buttons when there are more. */
export function statusPage(i: StatusPageInput): BotReply {
  const now = i.now ?? Date.now();
  const pages = Math.max(1, Math.ceil(i.views.length / AGENTS_PER_PAGE));
  const page = Math.min(Math.max(1, i.page), pages);
  const shown = i.views.slice((page - 1) * AGENTS_PER_PAGE, page * AGENTS_PER_PAGE);
  const running = i.views.filter((v) => v.state.observed === 'running').length;
  const unhealthy = i.views.filter((v) => v.health === 'unhealthy').length;
  const alerts = i.views.filter((v) => v.lastAlert?.state === 'open').length;
  const summary = [
    `${i.views.length} agent${i.views.length === 1 ? '' : 's'}`,
    `${running} running`,
    ...(unhealthy ? [`${unhealthy} unhealthy`] : []),
    ...(alerts ? [`${alerts} with open alerts`] : []),
  ].join(' · ');
  const title = clip(i.title, 256);
  const description = clip(`${summary}${i.resources ? '' : '\n(resource figures unavailable: no monitor answered)'}`, 4096);
  const footer = `page ${page}/${pages} · agents ${i.views.length ? (page - 1) * AGENTS_PER_PAGE + 1 : 0}–${(page - 1) * AGENTS_PER_PAGE + shown.length} of ${i.views.length}`;
  // ten agents in trouble can exceed what one embed holds; fitEmbed would then drop the last
  // ones, which are on no other page: each agent gets an even share instead
  const share = Math.floor((EMBED_BUDGET - title.length - description.length - footer.length) / Math.max(1, shown.length));
  const embed: Embed = {
    title,
    description,
    color: unhealthy || alerts ? Colors.warn : running === i.views.length ? Colors.ok : Colors.info,
    fields: shown.map((v) => fittedField(v, i.resources?.[v.id] ?? null, now, share)),
    footer: { text: footer },
    timestamp: new Date(now).toISOString(),
  };
  const reply: BotReply = { embeds: [fitEmbed(embed)] };
  if (pages > 1) {
    // the target comes back whole when it fits (every valid agent or template name does), and is never cut inside a %-escape
    const target = encodedWithin(i.target ?? '', 100 - Math.max(`sacp:page:${page + 1}:`.length, `sacp:page:${page}::refresh`.length));
    reply.components = [
      {
        type: 1,
        components: [
          { type: 2, style: 2, label: '◀ previous', custom_id: `sacp:page:${page - 1}:${target}`, disabled: page <= 1 },
          { type: 2, style: 2, label: `${page}/${pages}`, custom_id: `sacp:page:${page}:${target}:refresh` },
          { type: 2, style: 2, label: 'next ▶', custom_id: `sacp:page:${page + 1}:${target}`, disabled: page >= pages },
        ],
      },
    ];
  }
  return reply;
}

/** An agent's field in at most `room` characters (name and value): its messages shortened first, then the value cut. */
function fittedField(v: AgentStatusView, r: AgentResourceSample | null, now: number, room: number): ReturnType<typeof agentField> {
  let f = agentField(v, r, now);
  for (let max = 160; f.name.length + f.value.length > room && max >= 40; max -= 40) f = agentField(v, r, now, max);
  return f.name.length + f.value.length > room ? { ...f, value: clip(f.value, Math.max(1, room - f.name.length)) } : f;
}

/** `text` URI-encoded in at most `room` characters, dropping whole characters from its end when it does not fit. */
function encodedWithin(text: string, room: number): string {
  const chars = [...text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')];
  let encoded = encodeURIComponent(chars.join(''));
  while (encoded.length > room && chars.length) {
    chars.pop();
    encoded = encodeURIComponent(chars.join(''));
  }
  return encoded;
}
