import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { ApiToken, Role } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorNote } from '../components/error-note';
import { time } from '../format';

/** API tokens for scripts (admins only): created with a role and an expiry, shown once, revoked here. */
export function TokensPage() {
  const [tokens, setTokens] = useState<ApiToken[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [draft, setDraft] = useState({ name: '', role: 'viewer' as Role, days: 30 });
  const [created, setCreated] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  useEffect(() => {
    api
      .tokens()
      .then((p) => setTokens(p.items))
      .catch((err: unknown) => setError(messageOf(err)));
  }, [tick]);

  const create = async (e: Event) => {
    e.preventDefault();
    try {
      const expiresAt = new Date(Date.now() + draft.days * 86_400_000).toISOString();
      const r = await api.createToken({ name: draft.name.trim(), role: draft.role, expiresAt });
      // the one time the token is seen: kept in this page's memory only, until Done
      setCreated(r.result.token ?? null);
      setDraft({ ...draft, name: '' });
      setError(null);
      setTick((t) => t + 1);
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <main id="main" class="page">
      <h1>API tokens</h1>
      <ErrorNote error={error} />
      {created ? (
        <div class="banner" role="status">
          <p>Copy the token now: it is not shown again.</p>
          <code class="mono token" data-testid="new-token">
            {created}
          </code>
          <button type="button" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      ) : null}
      <ul class="list" data-testid="tokens">
        {tokens.map((t) => (
          <li key={t.tokenId} class="row wrap between" data-testid="token" data-name={t.name} data-revoked={t.revokedAt ? 'yes' : 'no'}>
            <span>
              <strong>{t.name}</strong> <span class="muted">{t.role}</span>
              <span class="small block muted">
                {t.user ? `for ${t.user} · ` : ''}created {time(t.createdAt)} · expires {t.expiresAt ? time(t.expiresAt) : 'never'} · last used{' '}
                {t.lastUsedAt ? time(t.lastUsedAt) : 'never'}
                {t.revokedAt ? ` · revoked ${time(t.revokedAt)}` : ''}
              </span>
            </span>
            {t.revokedAt ? null : (
              <button type="button" class="danger-outline" onClick={() => setRevoking(t)}>
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
      <form class="card stack" onSubmit={(e) => void create(e)} data-testid="create-token">
        <h2>Create a token</h2>
        <div class="row wrap">
          <label class="grow">
            Name
            <input
              value={draft.name}
              onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
              required
              pattern="[a-z0-9][a-z0-9_.\-]{0,63}"
              title="a-z, 0-9, _ . and - (up to 64)"
              autoComplete="off"
            />
          </label>
          <label>
            Role
            <select value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.currentTarget.value as Role })}>
              {(['viewer', 'operator', 'admin'] as Role[]).map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <label>
            Expires in (days)
            <input type="number" min={1} max={3650} value={draft.days} onInput={(e) => setDraft({ ...draft, days: Number(e.currentTarget.value) })} />
          </label>
        </div>
        <button type="submit" class="primary">
          Create token
        </button>
      </form>
      {revoking ? (
        <ConfirmDialog
          title={`Revoke ${revoking.name}?`}
          body="Scripts using it stop working within a second."
          confirm="Revoke"
          danger
          label={null}
          onConfirm={() => api.revokeToken(revoking.tokenId).then(() => setTick((t) => t + 1))}
          onClose={() => setRevoking(null)}
        />
      ) : null}
    </main>
  );
}
