import type { TaskDetailView, TaskView } from '@sacp/events';

/** One line saying where a task is: status, attempt, agent, progress. */
export function taskLine(t: TaskView): string {
  const who = t.agent ? ` ${t.agent.name}` : '';
  const attempt = t.attempt ? ` attempt ${t.attempt}/${t.maxAttempts}` : '';
  const progress = t.progress ? ` ${t.progress.percent === null ? '' : `${Math.round(t.progress.percent)}% `}${t.progress.message}` : '';
  const failure = t.failureReason ? `: ${t.failureReason}` : '';
  return `${t.status}${attempt}${who}${progress}${failure}`;
}

export function renderTask(t: TaskDetailView): string {
  const lines = [
    `task      ${t.taskId}`,
    `title     ${t.title}`,
    `status    ${taskLine(t)}`,
    `for       ${t.team ? `team ${t.team}${t.role ? ` (role ${t.role})` : ''}` : `agent ${t.agent?.name ?? '-'}`}`,
    `priority  ${t.priority}${t.deadline ? `, deadline ${t.deadline}` : ''}, attempts ${t.attempt}/${t.maxAttempts}, timeout ${t.timeoutMs / 1000} s`,
    `created   ${t.createdAt} by ${t.createdBy.kind}:${t.createdBy.displayName}${t.parentTaskId ? `, subtask of ${t.parentTaskId}` : ''}`,
    ...(t.result ? [`result    ${JSON.stringify(t.result)}`] : []),
    ...(t.instructions ? ['', t.instructions] : []),
  ];
  if (t.attempts.length) {
    lines.push('', 'attempts');
    for (const a of t.attempts) lines.push(`  ${a.attempt}. ${a.agent.name} ${a.startedAt} → ${a.endedAt ?? 'now'} ${a.outcome ?? 'open'}${a.reason ? `: ${a.reason}` : ''}`);
  }
  return lines.join('\n') + '\n';
}
