import { useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import { PRIORITIES, type Priority, type Team } from '../api/team-types';
import { Dialog } from './dialog';
import { ErrorNote } from './error-note';

const TITLE_MAX = 200;
const INSTRUCTIONS_MAX = 20_000;

/**
 * A task for the team (its policy picks the member: idle first, then fewest open tasks,
 * of the role asked for) or for one member. A deadline typed here is the viewer's local
 * time, sent as an ISO instant.
 */
export function TaskDialog(props: { team: Team; member?: string; onClose: () => void; onCreated: () => void }) {
  const [title, setTitle] = useState('');
  const [instructions, setInstructions] = useState('');
  const [role, setRole] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');
  const [deadline, setDeadline] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const roles = [...new Set([...props.team.config.members.map((m) => m.role), ...props.team.members.map((m) => m.role).filter((r): r is string => !!r)])].sort();

  const submit = async (e: Event) => {
    e.preventDefault();
    const t = title.trim();
    if (!t) return setError('A task needs a title.');
    if (t.length > TITLE_MAX) return setError(`A title has at most ${TITLE_MAX} characters (this one has ${t.length}).`);
    let due: string | undefined;
    if (deadline) {
      const ms = Date.parse(deadline);
      if (Number.isNaN(ms)) return setError('The deadline is not a time.');
      if (ms <= Date.now()) return setError('The deadline has passed already.');
      due = new Date(ms).toISOString();
    }
    setBusy(true);
    setError(null);
    try {
      await api.createTask({
        title: t,
        ...(instructions.trim() ? { instructions } : {}),
        priority,
        ...(due ? { deadline: due } : {}),
        ...(props.member ? { agent: props.member } : { team: props.team.name, ...(role ? { role } : {}) }),
      });
      props.onCreated();
      props.onClose();
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={props.member ? `A task for ${props.member}` : `A task for team ${props.team.name}`} onClose={props.onClose} testId="task-dialog">
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <label>
          Title
          <input name="title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} maxLength={TITLE_MAX} required autoComplete="off" placeholder="e.g. Review PR 42" />
        </label>
        <label>
          Instructions
          <textarea name="instructions" rows={5} value={instructions} onInput={(e) => setInstructions(e.currentTarget.value)} maxLength={INSTRUCTIONS_MAX} placeholder="optional" />
        </label>
        {props.member ? null : (
          <label>
            Role
            <select name="role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
              <option value="">any member</option>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
        )}
        <div class="row wrap">
          <label>
            Priority
            <select name="priority" value={priority} onChange={(e) => setPriority(e.currentTarget.value as Priority)}>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <label>
            Deadline
            <input name="deadline" type="datetime-local" value={deadline} onInput={(e) => setDeadline(e.currentTarget.value)} />
          </label>
        </div>
        <ErrorNote error={error} />
        <div class="row end">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy} data-testid="task-submit">
            {busy ? 'Sending…' : 'Create task'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
