import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { LogLine } from '../api/types';

const KEEP = 5000;
type StreamState = 'connecting' | 'following' | 'ended' | 'error';

function parseLine(data: string): LogLine {
  try {
    const v = JSON.parse(data) as Partial<LogLine>;
    if (typeof v.line === 'string') return { stream: v.stream === 'stderr' ? 'stderr' : 'stdout', line: v.line, ts: v.ts };
  } catch {
    // a plain text line
  }
  return { stream: 'stdout', line: data };
}

/**
 * The agent's container log, live (GET /api/v1/agents/{a}/logs/stream, server-sent events,
 * which start with the recent tail). Follow keeps the newest line in view; pause freezes
 * the view while lines keep arriving; search filters; download saves what is held.
 */
export function LogViewer(props: { agent: string }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [paused, setPaused] = useState(false);
  const [frozen, setFrozen] = useState<LogLine[] | null>(null);
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const [state, setState] = useState<StreamState>('connecting');
  const box = useRef<HTMLPreElement>(null);

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let closed = false;
    const open = () => {
      setState('connecting');
      source = new EventSource(api.logStreamUrl(props.agent));
      source.onopen = () => {
        setLines([]); // the stream starts again with the tail
        setState('following');
      };
      const add = (e: MessageEvent<string>) => setLines((prev) => [...prev.slice(-(KEEP - 1)), parseLine(e.data)]);
      source.onmessage = add;
      source.addEventListener('line', add as EventListener);
      source.addEventListener('end', () => {
        source?.close();
        setState('ended');
      });
      source.onerror = () => {
        source?.close();
        if (closed) return;
        setState('error');
        retry = setTimeout(open, 3000);
      };
    };
    open();
    return () => {
      closed = true;
      source?.close();
      if (retry) clearTimeout(retry);
    };
  }, [props.agent]);

  const visible = useMemo(() => {
    const all = frozen ?? lines;
    const q = query.trim().toLowerCase();
    return q ? all.filter((l) => l.line.toLowerCase().includes(q)) : all;
  }, [lines, frozen, query]);

  useEffect(() => {
    if (follow && !frozen && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [visible, follow, frozen]);

  const togglePause = () => {
    setPaused(!paused);
    setFrozen(paused ? null : lines);
  };
  const download = () => {
    const blob = new Blob([lines.map((l) => `${l.ts ? `${l.ts} ` : ''}${l.line}`).join('\n') + '\n'], { type: 'text/plain' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${props.agent}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  return (
    <section class="card" aria-labelledby="logs-h">
      <div class="row wrap between">
        <h2 id="logs-h">
          Logs{' '}
          <span class="muted small" data-testid="log-state">
            {paused ? `paused (${lines.length - (frozen?.length ?? 0)} new)` : state}
          </span>
        </h2>
        <div class="row wrap">
          <input type="search" placeholder="Search logs" aria-label="Search logs" value={query} onInput={(e) => setQuery(e.currentTarget.value)} data-testid="log-search" />
          <label class="check">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} /> Follow
          </label>
          <button type="button" onClick={togglePause} aria-pressed={paused} data-testid="log-pause">
            {paused ? 'Resume' : 'Pause'}
          </button>
          <button type="button" onClick={download} disabled={!lines.length} data-testid="log-download">
            Download
          </button>
        </div>
      </div>
      <pre class="logs" ref={box} tabIndex={0} aria-label={`log of ${props.agent}`} aria-live="off" data-testid="log-lines">
        {visible.map((l, i) => (
          <div key={i} class={l.stream === 'stderr' ? 'stderr' : undefined}>
            {l.line}
          </div>
        ))}
      </pre>
    </section>
  );
}
