/*
 * What the bot says about teams: pure functions of the control plane's answers,
 * within Discord's limits; names, reasons and display names go through ../text/inert.
 */
import type { ActivityEntry, ResourceAmounts, TeamView } from '@sacp/events';
import { bytes, timeLabel } from '@sacp/presentation';
import { inertCode, inertLine } from '../text/inert';
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

type Changed = { team: string; changed: boolean; configVersion: number; quota: ResourceAmounts; usage: ResourceAmounts };
/** A team command's result, with which command it was. */
export type TeamChange =
  | (Changed & { kind: 'create' | 'delete' })
  | (Changed & { kind: 'deploy'; deployed: string[]; started: string[]; unchanged: string[] })
  | (Changed & { kind: 'stop'; stopped: string[]; unchanged: string[] })
  | (Changed & { kind: 'add'; agent: string; role: string | null })
  | (Changed & { kind: 'remove'; agent: string });

/** Names in a line, at most `max` of them (the rest counted). */
const names = (list: string[], max = 20): string =>
  list.length <= max ? list.map((n) => `**${inertLine(n)}**`).join(', ') : `${names(list.slice(0, max), max)} and ${list.length - max} more`;

/** What a team command did, in words. */
export function teamChangedReply(c: TeamChange, prefix: string): BotReply {
  const team = `**${inertLine(c.team)}**`;
  const use = `uses ${amounts(c.usage)} of ${amounts(c.quota)}`;
  const lines: string[] = [];
  switch (c.kind) {
    case 'create':
      lines.push(c.changed ? `👥 team ${team} created (configuration v${c.configVersion})` : `ℹ️ team ${team} already exists with this configuration; nothing to do`);
      lines.push(`deploy its members with \`${prefix}team deploy ${inertCode(c.team)}\``);
      break;
    case 'deploy':
      if (!c.deployed.length && !c.started.length) lines.push(`ℹ️ every member of team ${team} is deployed and running already; nothing to do`);
      else {
        lines.push(`🚀 team ${team}:`);
        if (c.deployed.length) lines.push(`deploying ${names(c.deployed)}`);
        if (c.started.length) lines.push(`starting ${names(c.started)}`);
        if (c.unchanged.length) lines.push(`already running: ${names(c.unchanged)}`);
      }
      lines.push(use);
      break;
    case 'stop':
      lines.push(c.stopped.length ? `⏹️ team ${team}: stopping ${names(c.stopped)}` : `ℹ️ no member of team ${team} is running; nothing to do`);
      if (c.stopped.length && c.unchanged.length) lines.push(`already stopped: ${names(c.unchanged)}`);
      break;
    case 'add':
      lines.push(
        c.changed ? `➕ **${inertLine(c.agent)}** joined team ${team}${c.role ? ` as ${inertLine(c.role)}` : ''}` : `ℹ️ **${inertLine(c.agent)}** is in team ${team} already`,
      );
      lines.push(use);
      break;
    case 'remove':
      lines.push(c.changed ? `➖ **${inertLine(c.agent)}** left team ${team}; it keeps running, in no team` : `ℹ️ **${inertLine(c.agent)}** is not in team ${team}`);
      break;
    case 'delete':
      lines.push(c.changed ? `🗑️ team ${team} is deleted` : `ℹ️ team ${team} is deleted already`);
  }
  return { content: clip(lines.join('\n'), 2000) };
}
