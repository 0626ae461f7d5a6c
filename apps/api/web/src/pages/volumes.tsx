import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import { live } from '../api/live';
import type { Me, Volume, VolumeList } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorNote } from '../components/error-note';
import { Link } from '../components/link';
import { Pill } from '../components/state-badge';
import { bytes, time } from '../format';
import { can } from '../state/session';

/** Whose it is: an agent's (a link while it exists) or a team's shared volume. */
function Owner({ v }: { v: Volume }) {
  if (v.team) return v.team.exists ? <Link href={`/teams/${encodeURIComponent(v.team.name)}`}>team {v.team.name}</Link> : <span>team {v.team.name} (deleted)</span>;
  if (!v.agent.name) return <span class="muted">no agent</span>;
  return v.agent.exists ? <Link href={`/agents/${encodeURIComponent(v.agent.name)}`}>{v.agent.name}</Link> : <span>{v.agent.name} (removed)</span>;
}

/**
 * The control plane's volumes (agents' workspaces, teams' shared volumes) with their
 * sizes; an orphaned one (its agent or team is gone) is kept until an operator removes
 * it here, on purpose.
 */
export function VolumesPage({ me }: { me: Me }) {
  const [orphaned, setOrphaned] = useState(false);
  const [list, setList] = useState<VolumeList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Volume | null>(null);
  const [tick, setTick] = useState(0);

  // an agent removed, a team deleted or a volume removed changes what is orphaned
  useEffect(
    () =>
      live.on((m) => {
        if (m.type === 'event' && /^(agent\.removed|team\.deleted|volume\.)/.test(m.event.type)) setTick((t) => t + 1);
      }),
    [],
  );
  useEffect(() => {
    api
      .volumes(orphaned)
      .then((l) => (setList(l), setError(null)))
      .catch((err: unknown) => setError(messageOf(err)));
  }, [orphaned, tick]);

  const volumes = list?.volumes ?? [];
  return (
    <main id="main" class="page">
      <div class="row wrap between">
        <h1>Volumes</h1>
        <label class="row">
          <input type="checkbox" checked={orphaned} data-testid="only-orphaned" onChange={(e) => setOrphaned(e.currentTarget.checked)} />
          <span>Only orphaned</span>
        </label>
      </div>
      {list ? (
        <p class="small muted" data-testid="volume-summary">
          {list.total} volume{list.total === 1 ? '' : 's'} · {bytes(volumes.reduce((n, v) => n + (v.sizeBytes ?? 0), 0))} shown ·{' '}
          {list.sizesAt ? `sizes as of ${time(list.sizesAt)}` : 'sizes not measured yet'}
          {list.sizesPending ? ' (a new measurement is running)' : ''}
        </p>
      ) : null}
      <ErrorNote error={error} />
      <ul class="list" data-testid="volumes">
        {volumes.map((v) => (
          <li key={v.name} data-testid="volume" data-name={v.name} data-orphaned={v.orphaned ? 'yes' : 'no'}>
            <div class="row wrap between">
              <strong class="mono">{v.name}</strong>
              {v.orphaned ? <Pill value="orphaned" /> : null}
            </div>
            <span class="small block">
              {v.kind ?? 'volume'} of <Owner v={v} /> · <span data-testid="volume-size">{v.sizeBytes === null ? 'size unknown' : bytes(v.sizeBytes)}</span>
              {v.refCount !== null ? ` · in use by ${v.refCount} container${v.refCount === 1 ? '' : 's'}` : ''}
              {v.createdAt ? ` · created ${time(v.createdAt)}` : ''}
            </span>
            {v.orphaned && can(me, 'operator') ? (
              <button type="button" class="danger" onClick={() => setRemoving(v)}>
                Remove
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {list && !volumes.length ? <p class="muted">{orphaned ? 'No orphaned volume.' : 'No volume yet.'}</p> : null}
      {removing ? (
        <ConfirmDialog
          title="Remove volume"
          body={`${removing.name} and everything in it will be deleted for good.`}
          confirm="Remove"
          danger
          onConfirm={(reason) => api.removeVolume(removing.name, reason || undefined).then(() => setTick((t) => t + 1))}
          onClose={() => setRemoving(null)}
        />
      ) : null}
    </main>
  );
}
