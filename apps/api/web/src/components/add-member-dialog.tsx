import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { Team } from '../api/team-types';
import type { TemplateSummary } from '../api/types';
import { fleet } from '../state/fleet';
import { useStore } from '../state/store';
import { Dialog } from './dialog';
import { ErrorNote } from './error-note';

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ROLE = /^[a-z][a-z0-9_-]{0,31}$/;

/** A new member: a new agent from a template deployed into the team, or an existing agent in no team. */
export function AddMemberDialog(props: { team: Team; onClose: () => void; onAdded: () => void }) {
  const [mode, setMode] = useState<'new' | 'existing'>('new');
  const [templates, setTemplates] = useState<TemplateSummary[] | null>(null);
  const [template, setTemplate] = useState('');
  const [name, setName] = useState('');
  const [agent, setAgent] = useState('');
  const [role, setRole] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // the fleet as the live connection keeps it: an agent that just left a team shows up here by itself
  const state = useStore(fleet);
  const agents = state.loaded ? [...state.agents.values()] : null;
  // agents in no team (the API refuses one that is in a team) that are not removed
  const free = (agents ?? []).filter((a) => !a.team && a.state.desired !== 'removed').sort((a, b) => a.name.localeCompare(b.name));

  useEffect(() => {
    api
      .templates()
      .then((page) => {
        setTemplates(page.items);
        if (page.items[0]) setTemplate(page.items[0].name);
      })
      .catch((err: unknown) => setError(messageOf(err)));
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    const r = role.trim();
    if (r && !ROLE.test(r)) return setError('A role is lower-case letters, digits, "_" and "-", starting with a letter (at most 32).');
    setError(null);
    if (mode === 'new') {
      const n = name.trim();
      if (!NAME.test(n)) return setError('A name is lower-case letters, digits and dashes, starting with a letter or digit.');
      if (!template) return setError('Choose a template.');
      setBusy(true);
      try {
        await api.deploy({ name: n, template, team: props.team.name, ...(r ? { role: r } : {}) });
      } catch (err) {
        setBusy(false);
        return setError(messageOf(err));
      }
    } else {
      if (!agent) return setError('Choose an agent.');
      setBusy(true);
      try {
        await api.addMember(props.team.name, { agent, ...(r ? { role: r } : {}) });
      } catch (err) {
        setBusy(false);
        return setError(messageOf(err));
      }
    }
    props.onAdded();
    props.onClose();
  };

  return (
    <Dialog title={`Add a member to ${props.team.name}`} onClose={props.onClose} testId="add-member-dialog">
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <fieldset class="row wrap">
          <legend class="small muted">The member is</legend>
          <label class="check">
            <input type="radio" name="mode" checked={mode === 'new'} onChange={() => setMode('new')} /> a new agent from a template
          </label>
          <label class="check">
            <input type="radio" name="mode" checked={mode === 'existing'} onChange={() => setMode('existing')} /> an agent in no team
          </label>
        </fieldset>
        {mode === 'new' ? (
          <>
            <label>
              Template
              <select name="template" value={template} onChange={(e) => setTemplate(e.currentTarget.value)} disabled={!templates?.length}>
                {(templates ?? []).map((t) => (
                  <option key={t.name} value={t.name}>
                    {t.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Name
              <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} maxLength={63} autoComplete="off" placeholder={`e.g. ${props.team.name}-coder-2`} />
            </label>
          </>
        ) : (
          <label>
            Agent
            <select name="agent" value={agent} onChange={(e) => setAgent(e.currentTarget.value)}>
              <option value="">{agents === null ? 'loading…' : free.length ? 'choose…' : 'every agent is in a team'}</option>
              {free.map((a) => (
                <option key={a.id} value={a.name}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Role
          <input name="role" value={role} onInput={(e) => setRole(e.currentTarget.value)} maxLength={32} autoComplete="off" placeholder="optional, e.g. coder" />
        </label>
        <p class="small muted">The team's quota is checked: a member past it is refused with the numbers.</p>
        <ErrorNote error={error} />
        <div class="row end">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy} data-testid="add-member-submit">
            {busy ? 'Adding…' : 'Add'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
