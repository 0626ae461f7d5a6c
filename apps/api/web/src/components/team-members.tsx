import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { Task, Team, TeamMember } from '../api/team-types';
import type { Me } from '../api/types';
import { bytes } from '../format';
import { can } from '../state/session';
import { ConfirmDialog } from './confirm-dialog';
import { Link } from './link';
import { Pill } from './state-badge';
import { TaskDialog } from './task-dialog';

/** The task a member is on now: assigned to it or running there. */
export const currentTask = (member: TeamMember, tasks: Task[] | null): Task | undefined =>
  (tasks ?? []).find((t) => t.agent?.agentId === member.agentId && (t.status === 'running' || t.status === 'assigned'));

/** The members: state, health and current task; an operator removes one or gives it a task. */
export function TeamMembers(props: { team: Team; tasks: Task[] | null; me: Me; onChanged: () => void }) {
  const [removing, setRemoving] = useState<string | null>(null);
  const [tasking, setTasking] = useState<string | null>(null);
  const { team } = props;
  const operator = can(props.me, 'operator');
  if (!team.members.length)
    return (
      <p class="muted" data-testid="no-members">
        No member yet.{operator && team.config.members.length ? ' Deploy the team to create the members of its configuration.' : ''}
      </p>
    );
  return (
    <>
      <ul class="members" data-testid="members">
        {team.members.map((m) => {
          const task = currentTask(m, props.tasks);
          return (
            <li key={m.agentId} class="member" data-testid="member" data-agent={m.agent} data-observed={m.state?.observed ?? 'pending'}>
              <div class="member-head">
                <Link href={`/agents/${encodeURIComponent(m.agent)}`} class="strong">
                  {m.agent}
                </Link>
                {m.role ? <span class="tag">{m.role}</span> : null}
              </div>
              <div class="row wrap">
                <span data-testid="member-state">
                  <Pill value={m.state?.observed ?? 'pending'} />
                  {m.state && m.state.desired !== m.state.observed ? <span class="muted small"> wants {m.state.desired}</span> : null}
                </span>
                {m.state && m.state.health !== 'unknown' ? <Pill value={m.state.health} /> : null}
                <span class="small muted">
                  {m.template ? `${m.template.name}@${m.template.version} · ` : ''}
                  {bytes(m.resources.memory)} · {m.resources.cpus} CPU
                </span>
              </div>
              <div class="small" data-testid="member-task">
                {task ? (
                  <>
                    {task.status === 'running' ? '⚙️' : '📨'} {task.title}
                    {task.progress?.percent != null ? ` (${Math.round(task.progress.percent)}%)` : ''}
                  </>
                ) : (
                  <span class="muted">no task</span>
                )}
              </div>
              {operator ? (
                <span class="actions compact">
                  <button type="button" data-action="member-task" aria-label={`A task for ${m.agent}`} onClick={() => setTasking(m.agent)}>
                    Task
                  </button>
                  <button type="button" class="danger-outline" data-action="remove-member" aria-label={`Remove ${m.agent} from the team`} onClick={() => setRemoving(m.agent)}>
                    Remove
                  </button>
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      {removing ? (
        <ConfirmDialog
          title={`Remove ${removing} from ${team.name}?`}
          body="The agent leaves the team; it keeps running, in no team, and can be added again."
          confirm="Remove"
          danger
          onConfirm={(reason) => api.removeMember(team.name, removing, reason || undefined).then(props.onChanged)}
          onClose={() => setRemoving(null)}
        />
      ) : null}
      {tasking ? <TaskDialog team={team} member={tasking} onClose={() => setTasking(null)} onCreated={props.onChanged} /> : null}
    </>
  );
}
