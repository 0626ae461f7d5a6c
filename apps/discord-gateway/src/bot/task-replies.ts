/*
 * What the bot says about tasks: pure functions of the control plane's answers, within
 * Discord's limits. Titles, instructions, results and reasons are the users' and the
 * agents' words: they go through ../text/inert and are clipped.
 */
import type { TaskChangeResult, TaskDetailView, TaskView } from '@sacp/events';
import { timeLabel } from '@sacp/presentation';
import { inert, inertCode, inertLine } from '../text/inert';
import { clip, Colors, fitEmbed, type BotReply } from './reply-types';

const ICON: Record<string, string> = { queued: '🕓', assigned: '📨', running: '⚙️', succeeded: '✅', failed: '❌', cancelled: '✖️' };
const icon = (status: string) => ICON[status] ?? '•';

export function taskCreatedReply(r: TaskChangeResult & { title: string; for: string }): BotReply {
  const what = `**${inertLine(clip(r.title, 200))}** for ${inertLine(r.for)}`;
  return {
    content: clip(
      `${r.changed ? `📋 task ${what} is ${inertLine(r.status)}` : `ℹ️ task ${what} exists already (${inertLine(r.status)})`}\nid \`${inertCode(r.taskId)}\` · follow it with \`!task show ${inertCode(r.taskId)}\``,
      2000,
    ),
  };
}

export function taskCancelledReply(r: TaskChangeResult): BotReply {
  return {
    content: r.changed
      ? `✖️ task \`${inertCode(r.taskId)}\` is cancelled; its agent, if it had one, was told`
      : `ℹ️ task \`${inertCode(r.taskId)}\` is ${inertLine(r.status)} already; nothing to cancel`,
  };
}

const who = (t: TaskView) => (t.agent ? inertLine(t.agent.name) : t.team ? `team ${inertLine(t.team)}${t.role ? ` (${inertLine(t.role)})` : ''}` : '–');

export function taskListReply(of: string | null, tasks: TaskView[], prefix: string): BotReply {
  if (!tasks.length) return { content: `no tasks${of ? ` for ${inertLine(of)}` : ''} yet; give one with \`${prefix}task <team|agent> <title>\`` };
  const lines = tasks.map(
    (t) =>
      `${icon(t.status)} \`${t.taskId}\` **${inertLine(clip(t.title, 80))}** — ${t.status}${t.progress?.percent != null && t.status === 'running' ? ` ${Math.round(t.progress.percent)}%` : ''} · ${who(t)}${t.priority !== 'normal' ? ` · ${t.priority}` : ''}`,
  );
  while (lines.join('\n').length > 4000) lines.pop();
  return {
    embeds: [
      { title: clip(`Tasks${of ? ` of ${inertLine(of)}` : ''}`, 256), description: lines.join('\n'), color: Colors.info, footer: { text: `newest first, ${lines.length} shown` } },
    ],
  };
}

const COLOR: Record<string, number> = { succeeded: Colors.ok, failed: Colors.bad, cancelled: Colors.muted, running: Colors.info };

export function taskReply(t: TaskDetailView): BotReply {
  const fields: { name: string; value: string; inline?: boolean }[] = [
    { name: 'Status', value: `${icon(t.status)} ${t.status} (attempt ${t.attempt} of ${t.maxAttempts})`, inline: true },
    { name: 'For', value: t.team ? `team ${inertLine(t.team)}${t.role ? ` (${inertLine(t.role)})` : ''}` : who(t), inline: true },
    { name: 'Agent', value: t.agent ? inertLine(t.agent.name) : 'not assigned yet', inline: true },
    { name: 'Priority', value: t.priority, inline: true },
    { name: 'Deadline', value: t.deadline ? timeLabel(t.deadline) : 'none', inline: true },
    { name: 'Created', value: `${timeLabel(t.createdAt)} by ${inertLine(t.createdBy.kind)}:${inertLine(t.createdBy.displayName)}`, inline: true },
  ];
  if (t.instructions) fields.push({ name: 'Instructions', value: clip(inert(t.instructions), 1024) });
  if (t.progress)
    fields.push({ name: 'Progress', value: clip(`${t.progress.percent != null ? `${Math.round(t.progress.percent)}% ` : ''}${inertLine(t.progress.message)}`, 1024) });
  if (t.result) fields.push({ name: 'Result', value: `\`\`\`\n${clip(inertCode(JSON.stringify(t.result, null, 1)), 1000)}\n\`\`\`` });
  if (t.failureReason) fields.push({ name: 'Why it failed', value: clip(inertLine(t.failureReason), 1024) });
  if (t.attempts.length)
    fields.push({
      name: 'Attempts',
      value: clip(
        t.attempts
          .slice(-10)
          .map(
            (a) =>
              `${a.attempt}. ${inertLine(a.agent.name)} ${timeLabel(a.startedAt).slice(5)} → ${a.outcome ?? 'running'}${a.reason ? `: ${inertLine(clip(a.reason, 100))}` : ''}`,
          )
          .join('\n'),
        1024,
      ),
    });
  return {
    embeds: [
      fitEmbed({
        title: clip(`Task: ${inertLine(t.title)}`, 256),
        description: `\`${t.taskId}\``,
        color: COLOR[t.status] ?? Colors.warn,
        fields,
        footer: { text: `updated ${timeLabel(t.updatedAt)}` },
      }),
    ],
  };
}
