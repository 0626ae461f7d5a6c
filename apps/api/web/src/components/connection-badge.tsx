import { useEffect, useState } from 'preact/hooks';
import { live, type LiveState } from '../api/live';

const WORDS: Record<LiveState, string> = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting', offline: 'offline' };

/** The live connection's state, always visible; it reconnects by itself, the badge says when. */
export function ConnectionBadge() {
  const [state, setState] = useState<LiveState>(live.state);
  const [, tick] = useState(0);
  useEffect(() => live.onState(setState), []);
  useEffect(() => {
    if (state !== 'reconnecting') return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [state]);
  const wait = state === 'reconnecting' && live.retryAt ? Math.max(0, Math.ceil((live.retryAt - Date.now()) / 1000)) : null;
  return (
    <span class={`conn conn-${state}`} role="status" aria-live="polite" data-testid="connection" data-state={state}>
      <span class="dot" aria-hidden="true" />
      {WORDS[state]}
      {wait !== null && wait > 0 ? ` in ${wait}s` : ''}
    </span>
  );
}
