/*
 * What the bot says, as plain Discord message bodies (content, embeds, buttons).
 * Pure functions of the control plane's answers; every body respects Discord's
 * limits (content 2000, embed description 4096, 25 fields of 1024, 6000 per message).
 * Whatever the control plane did not write itself (names, reasons, messages, log lines,
 * display names) goes through ../text/inert first: it can show, never format, link or ping.
 */
import type { WireError, AgentStatusView, HistoryEntry, AgentResourceSample, Role } from '@sacp/events';
import { causationChain, summarizeEvent, bytes, duration, percent, relativeTime, shortContainer, templateLabel, timeLabel } from '@sacp/presentation';
import { inert, inertCode, inertLine, inertWord } from '../text/inert';
import { COMMAND_SPECS, usageLine, type CommandSpec } from './command-specs';

export interface Embed {
  title?: string;
  description?: string;
  color?: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
  timestamp?: string;
}

export interface Button {
  type: 2;
  style: 1 | 2 | 3 | 4;
  label: string;
  custom_id: string;
  disabled?: boolean;
}

export interface BotReply {
  content?: string;
  embeds?: Embed[];
  components?: { type: 1; components: Button[] }[];
  /** only the user who asked sees it (slash commands), or it goes by direct message (prefix commands) */
  private?: boolean;
}

export const Colors = { ok: 0x2ecc71, info: 0x5865f2, warn: 0xf1c40f, bad: 0xe74c3c, muted: 0x95a5a6 } as const;

export const AGENTS_PER_PAGE = 10;

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

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

/** What fitEmbed keeps an embed under: Discord's 6000-character total, with a margin. */
const EMBED_BUDGET = 5900;

/** Trims fields until the embed fits Discord's 6000-character total. */
export function fitEmbed(e: Embed): Embed {
  const size = (x: Embed) =>
    (x.title?.length ?? 0) + (x.description?.length ?? 0) + (x.footer?.text.length ?? 0) + (x.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  const out: Embed = { ...e, fields: [...(e.fields ?? [])].slice(0, 25) };
  if (out.description) out.description = clip(out.description, 4096);
  while (size(out) > EMBED_BUDGET && out.fields!.length) out.fields!.pop();
  return out;
}

export function historyReply(agent: string, entries: HistoryEntry[], limit: number): BotReply {
  if (!entries.length) return { content: `${inertLine(agent)} has no recorded events` };
  const shown = entries.slice(-limit);
  const lines = shown.map(
    (e) =>
      `\`${timeLabel(e.at).slice(5)}\` **${e.type}** ${inertLine(summarizeEvent(e))} — ${inertLine(e.actor.kind)}:${inertLine(e.actor.displayName)}${e.reason ? ` _(${inertLine(clip(e.reason, 80))})_` : ''}`,
  );
  while (lines.join('\n').length > 4000) lines.shift();
  return {
    embeds: [
      {
        title: clip(`History of ${inertLine(agent)}`, 256),
        description: lines.join('\n'),
        color: Colors.info,
        footer: { text: `last ${lines.length} of ${entries.length} events` },
      },
    ],
  };
}

export function whyReply(agent: string, entries: HistoryEntry[]): BotReply {
  const chain = causationChain(entries);
  if (!chain) return { content: `${inertLine(agent)} has no recorded state change` };
  const lines = chain.steps.map(
    (s, i) =>
      `${i === 0 ? '•' : '↳'} \`${timeLabel(s.at).slice(5)}\` **${s.type}**: ${inertLine(s.summary)} — ${inertLine(s.actor.kind)}:${inertLine(s.actor.displayName)}${s.reason ? ` _(reason: ${inertLine(clip(s.reason, 120))})_` : ''}`,
  );
  while (lines.join('\n').length > 4000) lines.shift();
  const last = chain.steps[chain.steps.length - 1]!;
  return {
    embeds: [
      {
        title: clip(`Why ${inertLine(agent)} is ${describeLast(last.type)}`, 256),
        description: lines.join('\n'),
        color: Colors.info,
        footer: {
          text: chain.unresolvedCause
            ? `the first step was caused by ${inertLine(chain.unresolvedCause)}, outside this agent's history`
            : 'oldest first; each line caused the next',
        },
      },
    ],
  };
}

const describeLast = (type: string): string => type.replace(/^agent\./, '').replace(/_/g, ' ');

export function logsReply(agent: string, lines: { line: string; stream: string }[]): BotReply {
  if (!lines.length) return { content: `${inertLine(agent)} has written nothing yet` };
  const name = inertLine(clip(agent, 100));
  const header = `Last ${lines.length} line${lines.length === 1 ? '' : 's'} of **${name}**:\n`;
  const cutHeader = (shown: number) => `Last ${shown} of ${lines.length} lines of **${name}** (older ones do not fit a message):\n`;
  const body: string[] = [];
  // room for the longer header, used when older lines are left out, and the code fences
  let size = Math.max(header.length, cutHeader(lines.length).length) + 8;
  for (let i = lines.length - 1; i >= 0; i--) {
    const full = inertCode(lines[i]!.line);
    const l = full.length > 300 ? `${full.slice(0, 299)}…` : full;
    if (size + l.length + 1 > 1990) break;
    body.unshift(l);
    size += l.length + 1;
  }
  const cut = lines.length - body.length;
  return { content: `${cut ? cutHeader(body.length) : header}\`\`\`\n${body.join('\n')}\n\`\`\`` };
}

export interface TemplateInfo {
  name: string;
  description?: string;
  image: string;
  version: number | null;
  changedSinceRegistered: boolean;
  resources?: { memory?: string; cpus?: number };
}

export function templatesReply(templates: TemplateInfo[], problems: { file: string; message?: string }[], prefix: string): BotReply {
  if (!templates.length)
    return { content: `no templates: add JSON files to the control plane's agents folder${problems.length ? ` (${problems.length} file(s) are invalid)` : ''}` };
  const fields = templates.slice(0, 25).map((t) => ({
    name: clip(`${inertLine(t.name)}${t.version ? ` @${t.version}` : ''}`, 256),
    value: clip(
      [
        inert(t.description ?? ''),
        `\`${inertCode(t.image)}\`${t.resources?.memory ? ` · ${inertLine(t.resources.memory)}` : ''}${t.resources?.cpus ? ` · ${inertLine(String(t.resources.cpus))} CPU` : ''}`,
      ]
        .filter(Boolean)
        .join('\n'),
      1024,
    ),
    inline: false,
  }));
  return {
    embeds: [
      fitEmbed({
        title: 'Templates',
        description: `Deploy one with \`${prefix}deploy <template> [name]\`${problems.length ? `\n⚠️ ${problems.length} template file(s) are invalid and left out` : ''}`,
        color: Colors.info,
        fields,
      }),
    ],
  };
}

export function helpReply(held: Role | null, prefix: string): BotReply {
  const can = (s: CommandSpec) => s.role === null || (held !== null && ['viewer', 'operator', 'admin'].indexOf(held) >= ['viewer', 'operator', 'admin'].indexOf(s.role));
  const lines = COMMAND_SPECS.map((s) => `${can(s) ? '✅' : '🔒'} \`${usageLine(s, prefix)}\` — ${s.summary}${s.role ? ` _(${s.role})_` : ''}`);
  return {
    embeds: [
      {
        title: 'SuperAgent Control Plane',
        description: `${lines.join('\n')}\n\nEvery command is also a slash command (\`/status\`, \`/deploy\` …). Your role here: **${held ?? 'none'}**.`,
        color: Colors.info,
      },
    ],
    private: true,
  };
}

/** The orchestrator's error in plain words, with what to do next where there is something to do. */
export function errorReply(error: WireError, prefix: string): BotReply {
  const next: Record<string, string> = {
    'AGENT.NOT_FOUND': `see \`${prefix}status\` for the agents there are`,
    'TEMPLATE.NOT_FOUND': `see \`${prefix}templates\``,
    'AGENT.NAME_IN_USE': 'pick another name, or leave it out to get a generated one',
    'BUS.UNAVAILABLE': 'the control plane is unreachable right now',
    'BUS.NO_RESPONDERS': 'no orchestrator is answering',
  };
  const hint = next[error.code];
  // the message often echoes what was asked (a name, an argument): it is shown, not rendered
  return { content: clip(`❌ ${inert(clip(error.message, 4000))}${hint && !error.message.includes(hint) ? ` (${hint})` : ''}`, 2000) };
}

export function usageReply(problem: string, usage: string | null): BotReply {
  return { content: clip(`⚠️ ${inert(clip(problem, 1500))}${usage ? `\nUsage: \`${usage}\`` : ''}`, 2000), private: true };
}

export function refusedReply(spec: CommandSpec, held: Role | null): BotReply {
  return {
    content: `⛔ ${spec.doing} needs the **${spec.role}** role; you have ${held ? `**${held}**` : 'no control-plane role'}. Ask an admin if you need it. (This attempt was recorded.)`,
    private: true,
  };
}

export function confirmReply(spec: CommandSpec, agent: string, origin: string, requester: string): BotReply {
  const verb = spec.name === 'rm' ? 'Remove' : 'Stop';
  return {
    content: `${verb} **${inertLine(clip(agent, 200))}**${spec.name === 'rm' ? ' and its container' : ''}? <@${requester}>, confirm within 5 minutes.`,
    components: [
      {
        type: 1,
        components: [
          { type: 2, style: 4, label: `${verb} ${clip(agent, 60)}`, custom_id: `sacp:confirm:${origin}` },
          { type: 2, style: 2, label: 'Cancel', custom_id: `sacp:cancel:${origin}` },
        ],
      },
    ],
  };
}

/** What a lifecycle command did, in words. */
export function changedReply(verb: string, result: { name?: string; changed?: boolean; desired?: string }, agent: string): BotReply {
  const name = inertLine(result.name ?? agent);
  if (result.changed === false) return { content: `ℹ️ ${name} is already ${inertLine(result.desired ?? 'there')}; nothing to do` };
  const words: Record<string, string> = { stop: `⏹️ stopping **${name}**`, start: `▶️ starting **${name}**`, restart: `🔄 restarting **${name}**`, rm: `🗑️ removing **${name}**` };
  return { content: words[verb] ?? `✅ ${inertLine(verb)} ${name}` };
}
