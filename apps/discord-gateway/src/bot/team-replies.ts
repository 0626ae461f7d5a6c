/*
 * What the bot says about teams: pure functions of the control plane's answers,
 * within Discord's limits; names, reasons and display names go through ../text/inert.
 */
import type { ActivityEntry, ResourceAmounts, TeamView } from '@sacp/events';
import { bytes, timeLabel } from '@sacp/presentation';
import { inertLine } from '../text/inert';
import { clip, Colors, fitEmbed, type BotReply } from './reply-types';

const amounts = (a: ResourceAmounts) => `${bytes(a.memory)} · ${a.cpus} CPUs · ${a.pids} pids`;

export function teamReply(t: TeamView): BotReply {
  const members = t.members.map(
    (m) =>
      `**${inertLine(m.agent)}** ${m.role ? `(${inertLine(m.role)}) ` : ''}— ${m.state ? `${m.state.desired}/${m.state.observed}${m.state.health !== 'unknown' ? `, ${m.state.health}` : ''}` : 'pending'}`,
  );
  return {
    embeds: [
      fitEmbed({
        title: clip(`Team ${inertLine(t.name)}`, 256),
        description: clip(
          [
            t.description ? inertLine(t.description) : '',
            `quota: ${amounts(t.quota)}`,
            `used: ${amounts(t.usage)}`,
            ...(members.length ? members : ['no member deployed yet']),
          ].join('\n'),
          4000,
        ),
        color: Colors.info,
        footer: { text: `configuration v${t.configVersion} · ${t.members.length} member${t.members.length === 1 ? '' : 's'}` },
      }),
    ],
  };
}

export function activityReply(of: string, entries: ActivityEntry[]): BotReply {
  if (!entries.length) return { content: `no activity recorded for ${inertLine(of)}` };
  const lines = entries.map(
    (e) =>
      `\`${timeLabel(e.at).slice(5)}\` ${e.agent ? `**${inertLine(e.agent)}** ` : ''}${inertLine(e.summary)} — ${inertLine(e.actor.kind)}:${inertLine(e.actor.displayName)}${e.reason ? ` _(${inertLine(clip(e.reason, 80))})_` : ''}`,
  );
  while (lines.join('\n').length > 4000) lines.pop();
  return {
    embeds: [{ title: clip(`Activity of ${inertLine(of)}`, 256), description: lines.join('\n'), color: Colors.info, footer: { text: `newest first, ${lines.length} entries` } }],
  };
}
