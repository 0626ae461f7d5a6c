import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import { live } from '../api/live';
import type { Alert, Me } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorNote } from '../components/error-note';
import { Pill } from '../components/state-badge';
import { actorName, time } from '../format';
import { can } from '../state/session';

/** Open alerts first (or all, past ones too), each acknowledged with a note by an operator. */
export function AlertsPage({ me }: { me: Me }) {
  const [which, setWhich] = useState<'open' | 'all'>('open');
  const [items, setItems] = useState<Alert[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [acking, setAcking] = useState<Alert | null>(null);
  const [tick, setTick] = useState(0);

  // an alert change reloads the list, and once more a moment later: the alerts read model follows the event
  useEffect(() => {
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const off = live.on((m) => {
      if (m.type !== 'alert' && !(m.type === 'event' && m.event.type.startsWith('alert.'))) return;
      setTick((t) => t + 1);
      const t = setTimeout(() => (timers.delete(t), setTick((n) => n + 1)), 1000);
      timers.add(t);
    });
    return () => (off(), timers.forEach(clearTimeout));
  }, []);
  useEffect(() => {
    api
      .alerts(which)
      .then((p) => (setItems(p.items), setError(null)))
      .catch((err: unknown) => setError(messageOf(err)));
  }, [which, tick]);

  return (
    <main id="main" class="page">
      <div class="row wrap between">
        <h1>Alerts</h1>
        <div class="segmented" role="group" aria-label="Which alerts">
          <button type="button" aria-pressed={which === 'open'} onClick={() => setWhich('open')}>
            Open
          </button>
          <button type="button" aria-pressed={which === 'all'} onClick={() => setWhich('all')}>
            All
          </button>
        </div>
      </div>
      <ErrorNote error={error} />
      <ul class="list" data-testid="alerts">
        {items.map((a) => (
          <li key={a.alertId} class={`alert-item sev-${a.severity}`} data-testid="alert" data-key={a.key} data-state={a.state} data-acknowledged={a.acknowledged ? 'yes' : 'no'}>
            <div class="row wrap between">
              <strong>{a.message}</strong>
              <Pill value={a.state} />
            </div>
            <span class="small muted block">
              {a.severity} · {a.agentName ?? 'host'} · {a.cause} · raised {time(a.raisedAt)}
              {a.resolved ? ` · resolved ${time(a.resolved.at)}` : ''}
            </span>
            {a.acknowledged ? (
              <span class="small block" data-testid="acknowledged">
                Acknowledged by {actorName(a.acknowledged.by)} at {time(a.acknowledged.at)}
                {a.acknowledged.note ? <em> — “{a.acknowledged.note}”</em> : null}
              </span>
            ) : null}
            {a.state === 'open' && !a.acknowledged && can(me, 'operator') ? (
              <button type="button" onClick={() => setAcking(a)}>
                Acknowledge
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {!items.length && !error ? <p class="muted">{which === 'open' ? 'No open alerts.' : 'No alerts.'}</p> : null}
      {acking ? (
        <ConfirmDialog
          title="Acknowledge alert"
          body={acking.message}
          label="Note (kept with the alert)"
          confirm="Acknowledge"
          onConfirm={(note) => api.acknowledge(acking.key, note || undefined).then(() => setTick((t) => t + 1))}
          onClose={() => setAcking(null)}
        />
      ) : null}
    </main>
  );
}
