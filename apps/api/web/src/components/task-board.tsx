import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { Task, TaskStatus } from '../api/team-types';
import type { Me } from '../api/types';
import { time } from '../format';
import { can } from '../state/session';
import { ConfirmDialog } from './confirm-dialog';

export const COLUMNS: { key: string; title: string; statuses: TaskStatus[] }[] = [
  { key: 'queued', title: 'Queued', statuses: ['queued', 'assigned'] },
  { key: 'running', title: 'Running', statuses: ['running'] },
  { key: 'done', title: 'Done', statuses: ['succeeded'] },
  { key: 'failed', title: 'Failed', statuses: ['failed', 'cancelled'] },
];
const OPEN: TaskStatus[] = ['queued', 'assigned', 'running'];

/** The team's tasks in four columns, newest first in each; an operator cancels an open one. */
export function TaskBoard(props: { tasks: Task[] | null; error: string | null; me: Me; onChanged: () => void }) {
  const [cancelling, setCancelling] = useState<Task | null>(null);
  const operator = can(props.me, 'operator');
  if (props.error && !props.tasks)
    return (
      <p class="muted" data-testid="board-unavailable">
        The task board is not available: {props.error}
      </p>
    );
  return (
    <>
      <div class="board" data-testid="task-board" aria-busy={props.tasks === null}>
        {COLUMNS.map((c) => {
          const list = (props.tasks ?? []).filter((t) => c.statuses.includes(t.status));
          return (
            <section key={c.key} class="column" data-testid="board-column" data-column={c.key} aria-label={`${c.title} tasks`}>
              <h3>
                {c.title} <span class="muted small">{list.length}</span>
              </h3>
              {list.map((t) => (
                <article key={t.taskId} class={`task prio-${t.priority}`} data-testid="task-card" data-task={t.taskId} data-status={t.status}>
                  <div class="task-title">{t.title}</div>
                  <div class="small muted">
                    {t.status}
                    {t.agent ? ` · ${t.agent.name}` : t.role ? ` · any ${t.role}` : ''}
                    {t.priority !== 'normal' ? ` · ${t.priority}` : ''}
                    {t.attempt > 1 ? ` · attempt ${t.attempt}/${t.maxAttempts}` : ''}
                  </div>
                  {t.progress && t.status === 'running' ? (
                    <div class="small">
                      {t.progress.percent != null ? `${Math.round(t.progress.percent)}% ` : ''}
                      {t.progress.message}
                    </div>
                  ) : null}
                  {t.failureReason && t.status === 'failed' ? <div class="small error-text">{t.failureReason}</div> : null}
                  {t.deadline ? <div class="small muted">due {time(t.deadline)}</div> : null}
                  {operator && OPEN.includes(t.status) ? (
                    <button type="button" class="link small" data-action="cancel-task" aria-label={`Cancel ${t.title}`} onClick={() => setCancelling(t)}>
                      Cancel
                    </button>
                  ) : null}
                </article>
              ))}
            </section>
          );
        })}
      </div>
      {cancelling ? (
        <ConfirmDialog
          title={`Cancel “${cancelling.title}”?`}
          body={cancelling.agent ? `${cancelling.agent.name} is told to drop it; the task ends as cancelled.` : 'It is not assigned yet; it ends as cancelled.'}
          confirm="Cancel task"
          dismiss="Keep it"
          danger
          label={null}
          onConfirm={() => api.cancelTask(cancelling.taskId).then(props.onChanged)}
          onClose={() => setCancelling(null)}
        />
      ) : null}
    </>
  );
}
