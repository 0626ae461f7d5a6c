import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { TemplateSummary } from '../api/types';
import { Dialog } from './dialog';
import { ErrorNote } from './error-note';

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Deploy an agent from a template; the template's limits are shown before anything is sent. */
export function DeployDialog(props: { onClose: () => void; onDeployed: (name: string) => void }) {
  const [templates, setTemplates] = useState<TemplateSummary[] | null>(null);
  const [template, setTemplate] = useState('');
  const [name, setName] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .templates()
      .then((page) => {
        // a template never registered yet is registered by its first deploy
        const usable = page.items;
        setTemplates(usable);
        if (usable[0]) setTemplate(usable[0].name);
      })
      .catch((err: unknown) => setError(messageOf(err)));
  }, []);

  const chosen = templates?.find((t) => t.name === template);
  const submit = async (e: Event) => {
    e.preventDefault();
    const n = name.trim();
    if (!NAME.test(n)) return setError('A name is lower-case letters, digits and dashes, starting with a letter or digit.');
    setBusy(true);
    setError(null);
    try {
      await api.deploy({ name: n, template, reason: reason.trim() || undefined });
      props.onDeployed(n);
      props.onClose();
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title="Deploy an agent" onClose={props.onClose} testId="deploy-dialog">
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <label>
          Template
          <select name="template" value={template} onChange={(e) => setTemplate(e.currentTarget.value)} disabled={!templates?.length}>
            {(templates ?? []).map((t) => (
              <option key={t.name} value={t.name}>
                {t.version === null ? `${t.name} (new)` : `${t.name}@${t.version}`}
              </option>
            ))}
          </select>
        </label>
        {chosen ? (
          <dl class="limits" data-testid="template-limits">
            {chosen.description ? <dd class="wide">{chosen.description}</dd> : null}
            <dt>Image</dt>
            <dd>{chosen.image}</dd>
            <dt>Memory</dt>
            <dd>{chosen.resources?.memory ?? 'policy default'}</dd>
            <dt>CPUs</dt>
            <dd>{chosen.resources?.cpus ?? 'policy default'}</dd>
            <dt>Processes</dt>
            <dd>{chosen.resources?.pids ?? 'policy default'}</dd>
          </dl>
        ) : templates ? (
          <p class="muted">No template to deploy from.</p>
        ) : (
          <p class="muted">Loading templates…</p>
        )}
        <label>
          Name
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={63} autoComplete="off" placeholder="e.g. coder-1" />
        </label>
        <label>
          Reason
          <input name="reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} maxLength={500} placeholder="optional, kept in the history" />
        </label>
        <ErrorNote error={error} />
        <div class="row end">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy || !chosen} data-testid="deploy-submit">
            {busy ? 'Deploying…' : 'Deploy'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
