import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { HistoryEntry } from '../api/types';
import { actorName, time } from '../format';
import { ErrorNote } from './error-note';
import { WhyChain, words } from './why-chain';

/** The agent's history, newest first: who, what, why (reason) and what caused it; pick one to see its chain. */
export function HistoryTimeline(props: { agent: string; tick: number }) {
  const [items, setItems] = useState<HistoryEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      api
        .history(props.agent)
        .then((h) => live && (setItems(h), setError(null)))
        .catch((err: unknown) => live && setError(messageOf(err)));
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [props.agent, props.tick]);

  const byId = useMemo(() => new Map(items.map((e) => [e.eventId, e])), [items]);
  const newestFirst = useMemo(() => [...items].reverse(), [items]);

  return (
    <section class="card" aria-labelledby="history-h">
      <h2 id="history-h">History</h2>
      <ErrorNote error={error} />
      <ol class="timeline" data-testid="history">
        {newestFirst.map((e) => {
          const cause = e.causationId ? byId.get(e.causationId) : undefined;
          return (
            <li key={e.eventId} class={e.actor.kind === 'system' ? 'sys' : 'human'} data-type={e.type}>
              <div class="row wrap between">
                <span>
                  <strong>{words(e.type)}</strong> <span class="muted small">{time(e.at)}</span>
                </span>
                <button type="button" class="link" aria-expanded={open === e.eventId} onClick={() => setOpen(open === e.eventId ? null : e.eventId)}>
                  why?
                </button>
              </div>
              <span class="small block">
                {actorName(e.actor)}
                {e.reason ? <em> — “{e.reason}”</em> : null}
                {cause ? <span class="muted"> · after {words(cause.type)}</span> : null}
              </span>
              {open === e.eventId ? <WhyChain entry={e} byId={byId} /> : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
