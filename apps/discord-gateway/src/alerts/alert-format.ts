/*
 * How alerts look on Discord (pure functions, exported for tests): one embed per
 * alert, packed into as few messages as Discord's limits allow, or one summary for a
 * burst; the on-call role pinged only for critical alerts being raised. Everything in
 * an alert comes from agents and their containers (names, causes, messages, log lines):
 * it goes through ../text/inert, so it cannot format, link or ping.
 */
import type { APIEmbed } from 'discord.js';
import type { AlertRaisedDataV1, AlertResolvedDataV1 } from '@sacp/events';
import { inert, inertCode, inertLine, inertWord } from '../text/inert';
import type { AlertMessage } from './alert-sinks';

// --- Discord limits ------------------------------------------------------------------
const LIMIT = { content: 2000, embeds: 10, title: 256, description: 4096, fieldValue: 1024, footer: 2048, total: 6000 } as const;
/** what one message's embeds may add up to here (a little under Discord's 6000) */
const MESSAGE_BUDGET = 5800;

const SUMMARY_AGENTS = 10;
const SUMMARY_CAUSES = 8;

const SEVERITY = {
  critical: { emoji: '🔴', colour: 0xe74c3c, rank: 3 },
  warning: { emoji: '🟠', colour: 0xe67e22, rank: 2 },
  info: { emoji: '🔵', colour: 0x3498db, rank: 1 },
} as const;
type Severity = keyof typeof SEVERITY;
const RESOLVED_COLOUR = 0x2ecc71;

/** An alert event as the poster reads it. */
export type AlertItem =
  | { kind: 'raised'; seq: number; at: string | null; data: AlertRaisedDataV1 }
  | { kind: 'resolved'; seq: number; at: string | null; data: AlertResolvedDataV1; agentName: string | null };

/** One Discord message and the alerts (stream sequences) it carries. */
export interface AlertPost {
  message: AlertMessage;
  seqs: number[];
  alerts: number;
  fallback: boolean;
}

/** The Discord messages for one window of alerts (pure; exported for tests). */
export function composePosts(alerts: AlertItem[], burstThreshold: number): AlertPost[] {
  if (alerts.length > burstThreshold) {
    return [{ message: { embeds: [summaryEmbed(alerts)], allowedMentions: { parse: [] } }, seqs: alerts.map((a) => a.seq), alerts: alerts.length, fallback: false }];
  }
  const posts: AlertPost[] = [];
  let current: { embeds: APIEmbed[]; seqs: number[]; size: number } | null = null;
  for (const a of alerts) {
    const e = alertEmbed(a);
    const size = embedSize(e);
    if (!current || current.embeds.length >= LIMIT.embeds || current.size + size > MESSAGE_BUDGET) {
      current = { embeds: [], seqs: [], size: 0 };
      posts.push({ message: { embeds: current.embeds, allowedMentions: { parse: [] } }, seqs: current.seqs, alerts: 0, fallback: false });
    }
    current.embeds.push(e);
    current.seqs.push(a.seq);
    current.size += size;
    posts[posts.length - 1]!.alerts++;
  }
  return posts;
}

/**
 * Pings the on-call role on the messages that carry a critical alert being raised,
 * and on nothing else (resolutions and warnings stay quiet).
 */
export function mentionOnCall(posts: AlertPost[], alerts: AlertItem[], roleId: string | null): AlertPost[] {
  if (!roleId) return posts;
  const critical = new Set(alerts.filter((a) => a.kind === 'raised' && a.data.severity === 'critical').map((a) => a.seq));
  return posts.map((p) => {
    const n = p.seqs.filter((s) => critical.has(s)).length;
    if (!n) return p;
    return { ...p, message: { ...p.message, content: `<@&${roleId}> ${n} critical alert${n === 1 ? '' : 's'}`, allowedMentions: { parse: [], roles: [roleId] } } };
  });
}

/** One alert as an embed: at most about 3500 characters, whatever the alert holds. */
export function alertEmbed(a: AlertItem): APIEmbed {
  if (a.kind === 'resolved') {
    const who = a.agentName ?? (a.data.agentId ? `agent ${a.data.agentId.slice(0, 8)}` : a.data.key);
    const e: APIEmbed = {
      title: clip(`✅ resolved: ${inertLine(clip(who, 100))} — ${inertLine(clip(a.data.message || a.data.key, 200))}`, LIMIT.title),
      description: clip(a.data.message ? inert(clip(a.data.message, 1200)) : 'The condition behind this alert is over.', 1500),
      color: RESOLVED_COLOUR,
      footer: { text: clip(a.data.key, 200) },
    };
    if (a.at) e.timestamp = a.at;
    return e;
  }
  const d = a.data;
  const sev = SEVERITY[d.severity] ?? SEVERITY.critical;
  const who = agentLabel(d.agentName, d.agentId);
  const e: APIEmbed = {
    title: clip(`${sev.emoji} ${d.severity}: ${inertLine(clip(who, 100))} — ${inertWord(clip(d.cause, 120))}`, LIMIT.title),
    description: clip(inert(clip(d.message || d.cause, 1600)), 2000),
    color: sev.colour,
    footer: { text: clip(d.key, 200) },
  };
  const logs = logBlock(d.lastLogLines, LIMIT.fieldValue);
  if (logs) e.fields = [{ name: 'Last log lines', value: logs }];
  if (a.at) e.timestamp = a.at;
  return e;
}

/** One embed for a burst: counts by severity and cause, raised vs resolved, the first agents. */
export function summaryEmbed(alerts: AlertItem[]): APIEmbed {
  const raised = alerts.filter((a): a is Extract<AlertItem, { kind: 'raised' }> => a.kind === 'raised');
  const resolved = alerts.length - raised.length;
  const bySeverity = countBy(raised.map((a) => a.data.severity));
  const byCause = countBy(raised.map((a) => a.data.cause));
  const agents: string[] = [];
  const seen = new Set<string>();
  for (const a of alerts) {
    const name = a.kind === 'raised' ? agentLabel(a.data.agentName, a.data.agentId) : (a.agentName ?? (a.data.agentId ? `agent ${a.data.agentId.slice(0, 8)}` : a.data.key));
    if (!seen.has(name)) {
      seen.add(name);
      agents.push(name);
    }
  }
  const worst = raised.reduce<Severity | null>((w, a) => {
    const s = a.data.severity;
    return !w || (SEVERITY[s]?.rank ?? 0) > SEVERITY[w].rank ? s : w;
  }, null);

  const lines: string[] = [];
  lines.push(`**${alerts.length} alerts** arrived together: ${raised.length} raised, ${resolved} resolved. Too many to post one by one, so here is a summary.`);
  if (raised.length) {
    const sev = (['critical', 'warning', 'info'] as const).filter((s) => bySeverity.get(s)).map((s) => `${SEVERITY[s].emoji} ${bySeverity.get(s)} ${s}`);
    lines.push(`**Severity:** ${sev.join(' · ')}`);
    const causes = [...byCause.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
    const shown = causes.slice(0, SUMMARY_CAUSES).map(([c, n]) => `${inertWord(clip(c, 60))} ×${n}`);
    if (causes.length > SUMMARY_CAUSES) shown.push(`…and ${causes.length - SUMMARY_CAUSES} more causes`);
    lines.push(`**Causes:** ${shown.join(' · ')}`);
  }
  if (resolved) lines.push(`**Resolved:** ${resolved}`);
  const names = agents.slice(0, SUMMARY_AGENTS).map((n) => inertLine(clip(n, 60)));
  const more = agents.length - names.length;
  lines.push(`**Agents (${agents.length}):** ${names.join(', ')}${more > 0 ? ` …and ${more} more` : ''}`);

  const times = alerts
    .map((a) => a.at)
    .filter((t): t is string => !!t)
    .sort();
  const e: APIEmbed = {
    title: clip(`🚨 ${alerts.length} alerts: ${raised.length} raised, ${resolved} resolved`, LIMIT.title),
    description: clip(lines.join('\n'), LIMIT.description),
    color: worst ? SEVERITY[worst].colour : RESOLVED_COLOUR,
  };
  if (times.length) e.timestamp = times[times.length - 1]!;
  return e;
}

/** A plain-text stand-in for a post Discord refused: short, no embeds, always valid. */
export function plainFallback(post: AlertPost): AlertMessage {
  const titles = (post.message.embeds ?? []).map((e) => `• ${e.title ?? ''}`);
  const head = `⚠️ ${post.alerts} alert${post.alerts === 1 ? '' : 's'} (the full message was refused by Discord):`;
  return { content: clip([head, ...titles].join('\n'), 1900), allowedMentions: { parse: [] } };
}

function agentLabel(name: string | null, id: string | null): string {
  return name ?? (id ? `agent ${id.slice(0, 8)}` : 'control plane');
}

/** The last lines that fit in a code block of at most `max` characters. */
function logBlock(lines: string[], max: number): string | null {
  if (!lines.length) return null;
  const fence = (s: string) => '```\n' + s + '\n```';
  const clean = lines.map((l) => clip(inertCode(clip(l, 300)), 300));
  const kept: string[] = [];
  let size = fence('').length;
  for (let i = clean.length - 1; i >= 0; i--) {
    const add = clean[i]!.length + (kept.length ? 1 : 0);
    const omittedNote = i > 0 ? `… ${i} earlier line${i === 1 ? '' : 's'}\n`.length : 0;
    if (size + add + omittedNote > max) break;
    kept.unshift(clean[i]!);
    size += add;
  }
  const omitted = clean.length - kept.length;
  if (kept.length === 0) return fence(clip(clean[clean.length - 1]!, max - fence('').length));
  return fence((omitted ? `… ${omitted} earlier line${omitted === 1 ? '' : 's'}\n` : '') + kept.join('\n'));
}

function embedSize(e: APIEmbed): number {
  let n = (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0);
  for (const f of e.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/** At most `max` UTF-16 units (so at most `max` characters however Discord counts), ending in … when cut. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let out = s.slice(0, Math.max(0, max - 1));
  const last = out.charCodeAt(out.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
  return out + '…';
}

function countBy(values: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}
