import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { Me, Role, User } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorNote } from '../components/error-note';
import { time } from '../format';

const ROLES: Role[] = ['viewer', 'operator', 'admin'];

/** Users and their roles (admins only): add, change a role, remove. */
export function UsersPage({ me }: { me: Me }) {
  const [users, setUsers] = useState<User[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [draft, setDraft] = useState({ name: '', role: 'viewer' as Role, password: '' });
  const [removing, setRemoving] = useState<string | null>(null);

  useEffect(() => {
    api
      .users()
      .then((p) => setUsers(p.items))
      .catch((err: unknown) => setError(messageOf(err)));
  }, [tick]);

  const act = (p: Promise<unknown>) => p.then(() => (setError(null), setTick((t) => t + 1))).catch((err: unknown) => setError(messageOf(err)));

  const add = (e: Event) => {
    e.preventDefault();
    void act(api.addUser(draft).then(() => setDraft({ name: '', role: 'viewer', password: '' })));
  };

  return (
    <main id="main" class="page">
      <h1>Users</h1>
      <ErrorNote error={error} />
      <ul class="list" data-testid="users">
        {users.map((u) => (
          <li key={u.name} class="row wrap between" data-testid="user" data-name={u.name} data-role={u.role}>
            <span>
              <strong>{u.name}</strong> <span class="small muted">since {time(u.createdAt)}</span>
            </span>
            <span class="row">
              <label>
                <span class="sr-only">Role of {u.name}</span>
                <select value={u.role} onChange={(e) => void act(api.setRole(u.name, e.currentTarget.value as Role))}>
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </label>
              {u.name !== me.name ? (
                <button type="button" class="danger-outline" onClick={() => setRemoving(u.name)}>
                  Remove
                </button>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      <form class="card stack" onSubmit={add} data-testid="add-user">
        <h2>Add a user</h2>
        <div class="row wrap">
          <label class="grow">
            Name
            <input value={draft.name} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} required autoComplete="off" />
          </label>
          <label>
            Role
            <select value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.currentTarget.value as Role })}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <label class="grow">
            Password
            <input
              type="password"
              value={draft.password}
              onInput={(e) => setDraft({ ...draft, password: e.currentTarget.value })}
              required
              minLength={12}
              autoComplete="new-password"
            />
          </label>
        </div>
        <button type="submit" class="primary">
          Add user
        </button>
      </form>
      {removing ? (
        <ConfirmDialog
          title={`Remove ${removing}?`}
          body="Their sessions end at once."
          confirm="Remove"
          danger
          label={null}
          onConfirm={() => act(api.removeUser(removing))}
          onClose={() => setRemoving(null)}
        />
      ) : null}
    </main>
  );
}
