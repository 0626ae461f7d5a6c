import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { Team } from '../api/team-types';
import type { Me } from '../api/types';
import { can } from '../state/session';
import { AddMemberDialog } from './add-member-dialog';
import { ConfirmDialog } from './confirm-dialog';
import { TaskDialog } from './task-dialog';

type Open = 'deploy' | 'stop' | 'add' | 'task' | null;

/** Deploy, stop, add a member, give the team a task: for operators only (the API refuses viewers anyway). */
export function TeamActions(props: { team: Team; me: Me; onChanged: () => void }) {
  const [open, setOpen] = useState<Open>(null);
  const { team } = props;
  if (!can(props.me, 'operator')) return null;
  const close = () => setOpen(null);
  return (
    <span class="actions" data-testid="team-actions">
      <button type="button" class="primary" data-action="deploy" onClick={() => setOpen('deploy')}>
        Deploy team
      </button>
      <button type="button" data-action="stop" onClick={() => setOpen('stop')}>
        Stop team
      </button>
      <button type="button" data-action="add-member" onClick={() => setOpen('add')}>
        Add member
      </button>
      <button type="button" data-action="new-task" onClick={() => setOpen('task')}>
        New task
      </button>
      {open === 'deploy' ? (
        <ConfirmDialog
          title={`Deploy team ${team.name}?`}
          body={`This deploys every member of its configuration not deployed yet (${team.config.members.map((m) => m.name).join(', ') || 'none'}) and starts stopped ones, all within its quota or none.`}
          confirm="Deploy"
          onConfirm={(reason) => api.teamAct(team.name, 'deploy', reason || undefined).then(props.onChanged)}
          onClose={close}
        />
      ) : null}
      {open === 'stop' ? (
        <ConfirmDialog
          title={`Stop team ${team.name}?`}
          body={`This stops every member (${team.members.length}); they stay in the team and can be deployed again.`}
          confirm="Stop"
          danger
          onConfirm={(reason) => api.teamAct(team.name, 'stop', reason || undefined).then(props.onChanged)}
          onClose={close}
        />
      ) : null}
      {open === 'add' ? <AddMemberDialog team={team} onClose={close} onAdded={props.onChanged} /> : null}
      {open === 'task' ? <TaskDialog team={team} onClose={close} onCreated={props.onChanged} /> : null}
    </span>
  );
}
