import { useEffect, useRef, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { StoredLogLine } from '../api/types';
import { ErrorNote } from '../components/error-note';
import { Link } from '../components/link';
import { navigate, useRoute } from '../router';

/** Lines held on the page; older ones drop off the end while following. */
const KEEP = 2000;

interface LogFilters {
  agent: string;
  team: string;
  q: string;
  from: string;
  to: string;
}

const FIELDS: (keyof LogFilters)[] = ['agent', 'team', 'q', 'from', 'to'];
const keyOf = (l: StoredLogLine) => `${l.at}/${l.containerId}/${l.stream}/${l.line.length}`;
/** `datetime-local` gives local time without a zone; the API wants an ISO time */
const iso = (local: string) => (local ? new Date(local).toISOString() : undefined);
/** A live line passes the words filter when it holds every word (the search itself is Postgres full-text). */
const hasWords = (line: string, q: string) =>
  q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => line.toLowerCase().includes(w.replace(/^"|"$/g, '')));

/**
 * The collected logs (the monitor keeps every agent's output, removed agents' too,
 * within retention): search by agent, team, words and time, newest first, page by
 * page; "Follow" adds the lines as they are collected.
 */
export function LogsPage() {
  const { query } = useRoute();
  const initial = Object.fromEntries(FIELDS.map((k) => [k, query.get(k) ?? ''])) as unknown as LogFilters;
  const [f, setF] = useState<LogFilters>(initial);
  const [items, setItems] = useState<StoredLogLine[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [following, setFollowing] = useState(false);
  const [live, setLive] = useState<'off' | 'connecting' | 'on' | 'error'>('off');
  const filters = useRef(f);
  filters.current = f;

  const load = (more: boolean) => {
    setLoading(true);
    return api
      .logSearch({ agent: f.agent, team: f.team, q: f.q, from: iso(f.from), to: iso(f.to), cursor: more ? cursor : undefined })
      .then((p) => {
        setItems((prev) => (more ? [...prev, ...p.items] : p.items));
        setCursor(p.nextCursor);
        setError(null);
      })
      .catch((err: unknown) => setError(messageOf(err)))
      .finally(() => setLoading(false));
  };

  useEffect(() => {
    const t = setTimeout(() => {
      const search = new URLSearchParams(Object.entries(f).filter(([, v]) => v !== '')).toString();
      navigate(`/logs${search ? `?${search}` : ''}`, { replace: true });
      void load(false);
    }, 300);
    return () => clearTimeout(t);
  }, [f.agent, f.team, f.q, f.from, f.to]);

  useEffect(() => {
    if (!following) return setLive('off');
    const target = f.agent ? { agent: f.agent } : f.team ? { team: f.team } : { all: 'true' };
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let closed = false;
    const open = () => {
      setLive('connecting');
      source = new EventSource(api.logTailUrl(target));
      source.addEventListener('ready', () => setLive('on'));
      source.onmessage = (e: MessageEvent<string>) => {
        const line = JSON.parse(e.data) as StoredLogLine;
        const now = filters.current;
        if (now.q && !hasWords(line.line, now.q)) return;
        setItems((prev) => (prev.some((p) => keyOf(p) === keyOf(line)) ? prev : [line, ...prev].slice(0, KEEP)));
      };
      source.onerror = () => {
        source?.close();
        if (closed) return;
        setLive('error');
        retry = setTimeout(open, 3000);
      };
    };
    open();
    return () => {
      closed = true;
      source?.close();
      if (retry) clearTimeout(retry);
    };
  }, [following, f.agent, f.team]);

  const field = (key: keyof LogFilters, label: string, placeholder: string, time = false) => {
    const onInput = (e: { currentTarget: HTMLInputElement }) => setF({ ...f, [key]: e.currentTarget.value });
    return (
      <label>
        <span class="small muted">{label}</span>
        {time ? (
          <input type="datetime-local" name={key} value={f[key]} onInput={onInput} />
        ) : (
          <input type="text" name={key} value={f[key]} placeholder={placeholder} onInput={onInput} />
        )}
      </label>
    );
  };

  return (
    <main id="main" class="page">
      <h1>Logs</h1>
      <p class="small muted">Every agent's output as the monitor collected it, also after its container is gone (within retention). Words are matched whole.</p>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        {field('agent', 'Agent', 'name or id')}
        {field('team', 'Team', 'name')}
        {field('q', 'Words', 'e.g. timeout -retry "connection refused"')}
        {field('from', 'From', '', true)}
        {field('to', 'To', '', true)}
        <label class="row">
          <input type="checkbox" checked={following} data-testid="logs-follow" onChange={(e) => setFollowing(e.currentTarget.checked)} />
          <span>Follow</span>
          {following ? (
            <span class="small muted" data-testid="logs-live" data-state={live}>
              {live === 'on' ? 'live' : live === 'error' ? 'reconnecting…' : 'connecting…'}
            </span>
          ) : null}
        </label>
      </form>
      <ErrorNote error={error} />
      <div class="logs tall" data-testid="log-lines" aria-live="off">
        {items.map((l) => (
          <div key={keyOf(l)} class={l.stream === 'stderr' ? 'stderr' : undefined} data-testid="log-line" data-agent={l.agentName}>
            <span class="muted">{l.at.slice(0, 23).replace('T', ' ')}</span> <Link href={`/agents/${encodeURIComponent(l.agentName)}`}>{l.agentName}</Link>
            {l.team ? <span class="muted"> [{l.team}]</span> : null} {l.line}
          </div>
        ))}
      </div>
      {!items.length && !error && !loading ? <p class="muted">No collected line matches these filters.</p> : null}
      {cursor ? (
        <button type="button" data-testid="logs-older" disabled={loading} onClick={() => void load(true)}>
          Older lines
        </button>
      ) : null}
    </main>
  );
}
