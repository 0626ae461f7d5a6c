import { useState } from 'preact/hooks';
import { messageOf } from '../api/client';
import { ErrorNote } from '../components/error-note';
import { signIn } from '../state/session';

/** The sign-in form; the session is an HttpOnly cookie the page never sees. */
export function SignInPage(props: { notice?: string }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(name.trim(), password);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return (
    <main id="main" class="signin">
      <form class="card stack" onSubmit={(e) => void submit(e)} data-testid="sign-in">
        <h1>SuperAgent Control Plane</h1>
        {props.notice ? <p class="banner">{props.notice}</p> : null}
        <label>
          User
          <input name="name" autoComplete="username" value={name} onInput={(e) => setName(e.currentTarget.value)} required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </label>
        <ErrorNote error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
