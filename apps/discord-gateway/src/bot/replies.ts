/*
 * What the bot says, as plain Discord message bodies (content, embeds, buttons).
 * Pure functions of the control plane's answers; every body respects Discord's
 * limits (content 2000, embed description 4096, 25 fields of 1024, 6000 per message).
 * Whatever the control plane did not write itself (names, reasons, messages, log lines,
 * display names) goes through ../text/inert first: it can show, never format, link or ping.
 */
import type { WireError, HistoryEntry, Role } from '@sacp/events';
import { causationChain, summarizeEvent, timeLabel } from '@sacp/presentation';
import { inert, inertCode, inertLine } from '../text/inert';
import { COMMAND_SPECS, usageLine, type CommandSpec } from './command-specs';
import { clip, Colors, fitEmbed, type BotReply } from './reply-types';

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

export function confirmReply(spec: CommandSpec, subject: string, origin: string, requester: string): BotReply {
  const { verb, what } = spec.confirm ?? (spec.name === 'rm' ? { verb: 'Remove', what: '' } : { verb: 'Stop', what: '' });
  return {
    content: `${verb} ${what ? `${what} ` : ''}**${inertLine(clip(subject, 200))}**${spec.name === 'rm' ? ' and its container' : ''}? <@${requester}>, confirm within 5 minutes.`,
    components: [
      {
        type: 1,
        components: [
          { type: 2, style: 4, label: clip(`${verb} ${subject}`, 80), custom_id: `sacp:confirm:${origin}` },
          // a task's cancellation is confirmed with "Cancel <id>": the other button must not say "Cancel" too
          { type: 2, style: 2, label: verb === 'Cancel' ? 'Keep it' : 'Cancel', custom_id: `sacp:cancel:${origin}` },
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
