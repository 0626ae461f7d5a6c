import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { WhyChain } from '../api/types';
import { actorName, time } from '../format';
import { ErrorNote } from './error-note';

/**
 * Why the agent is as it is (GET /agents/{agent}/why): the chain of events that led to
 * its last state change, from the first cause down to that change.
 */
export function LastChangeWhy(props: { agent: string; tick: number }) {
  const [why, setWhy] = useState<WhyChain | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      api
        .why(props.agent)
        .then((w) => live && (setWhy(w), setError(null)))
        .catch((err: unknown) => live && setError(messageOf(err)));
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [props.agent, props.tick]);

  return (
    <section class="card" aria-labelledby="why-h">
      <h2 id="why-h">Why it is so</h2>
      <ErrorNote error={error} />
      {why && !why.steps.length ? <p class="muted">No state change yet.</p> : null}
      {why?.steps.length ? (
        <ol class="why" aria-label="why chain of the last change" data-testid="last-change-why">
          {why.unresolvedCause || why.truncated ? <li class="muted small">…after earlier causes not shown</li> : null}
          {why.steps.map((s, i) => (
            <li key={s.eventId} data-type={s.type}>
              <strong>{s.summary}</strong> <span class="muted small">{time(s.at)}</span>
              <span class="block small">
                {i === 0 ? 'first' : 'then'}: {actorName(s.actor)}
                {s.reason ? <em> — “{s.reason}”</em> : null} <span class="muted">via {s.source}</span>
              </span>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
