import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { AuditEntry } from '../api/types';
import { ErrorNote } from '../components/error-note';
import { Pill } from '../components/state-badge';
import { actorName, time } from '../format';

interface AuditFilters {
  actor: string;
  agent: string;
  commandType: string;
  outcome: string;
}

/** what the API filters on (its `outcome` enum) */
const OUTCOMES = ['accepted', 'rejected', 'refused', 'duplicate', 'conflict', 'failed', 'malformed'];

/** The audit trail: every command, refused ones included, filtered by actor, agent, type and outcome. */
export function AuditPage() {
  const [f, setF] = useState<AuditFilters>({ actor: '', agent: '', commandType: '', outcome: '' });
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);

  const load = (more: boolean) =>
    api
      .audit({ ...f, cursor: more ? cursor : undefined })
      .then((p) => {
        setItems((prev) => (more ? [...prev, ...p.items] : p.items));
        setCursor(p.nextCursor);
        setError(null);
      })
      .catch((err: unknown) => setError(messageOf(err)));

  useEffect(() => {
    const t = setTimeout(() => void load(false), 250);
    return () => clearTimeout(t);
  }, [f.actor, f.agent, f.commandType, f.outcome]);

  const field = (key: keyof AuditFilters, label: string, placeholder: string) => (
    <label>
      <span class="small muted">{label}</span>
      <input value={f[key]} placeholder={placeholder} onInput={(e) => setF({ ...f, [key]: e.currentTarget.value })} />
    </label>
  );

  return (
    <main id="main" class="page">
      <h1>Audit</h1>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        {field('actor', 'Actor', 'kind:id, e.g. api:user:olivia')}
        {field('agent', 'Agent', 'name')}
        {field('commandType', 'Command', 'e.g. agent.stop')}
        <label>
          <span class="small muted">Outcome</span>
          <select value={f.outcome} onChange={(e) => setF({ ...f, outcome: e.currentTarget.value })}>
            <option value="">any</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorNote error={error} />
      <ul class="list" data-testid="audit">
        {items.map((e, i) => (
          <li key={`${e.commandId ?? ''}-${i}`} data-testid="audit-entry" data-outcome={e.outcome} data-command={e.commandType ?? ''}>
            <div class="row wrap between">
              <strong>{e.commandType ?? 'command'}</strong>
              <Pill value={e.outcome} />
            </div>
            <span class="small block">
              {time(e.at)} ·{' '}
              {e.actor ? (
                <button type="button" class="link" title="only this actor" data-testid="audit-actor" onClick={() => setF({ ...f, actor: `${e.actor!.kind}:${e.actor!.id}` })}>
                  {actorName(e.actor)}
                </button>
              ) : (
                '–'
              )}{' '}
              <span class="muted">via {e.source ?? '–'}</span>
              {e.reason ? <em> — “{e.reason}”</em> : null}
            </span>
            {e.errorCode ? (
              <span class="small block error-text">
                {e.errorCode}: {e.message}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      {!items.length && !error ? <p class="muted">No command matches these filters.</p> : null}
      {cursor ? (
        <button type="button" onClick={() => void load(true)}>
          More
        </button>
      ) : null}
    </main>
  );
}
