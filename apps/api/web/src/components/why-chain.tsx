import type { HistoryEntry } from '../api/types';
import { actorName, time } from '../format';

export const words = (type: string): string => type.replace(/^[a-z]+\./, '').replace(/_/g, ' ');

/** The causes of one event, walked back through `causationId` to the command that began it. */
export function chainOf(entry: HistoryEntry, byId: Map<string, HistoryEntry>): { chain: HistoryEntry[]; outside: string | null } {
  const chain = [entry];
  const seen = new Set([entry.eventId]);
  let cause = entry.causationId;
  while (cause && byId.has(cause) && !seen.has(cause)) {
    const e = byId.get(cause)!;
    chain.push(e);
    seen.add(cause);
    cause = e.causationId;
  }
  return { chain, outside: cause && !byId.has(cause) ? cause : null };
}

/** Why did this happen: the chain drawn from the chosen event back to the first cause. */
export function WhyChain(props: { entry: HistoryEntry; byId: Map<string, HistoryEntry> }) {
  const { chain, outside } = chainOf(props.entry, props.byId);
  return (
    <ol class="why" aria-label="why chain" data-testid="why-chain">
      {chain.map((e, i) => (
        <li key={e.eventId}>
          <strong>{words(e.type)}</strong> <span class="muted small">{time(e.at)}</span>
          <span class="block small">
            {i === 0 ? 'happened' : 'caused by'}: {actorName(e.actor)}
            {e.reason ? ` — “${e.reason}”` : ''} <span class="muted">via {e.source}</span>
          </span>
        </li>
      ))}
      {outside ? <li class="muted small">…caused by {outside.slice(0, 8)} (outside this agent’s history)</li> : null}
      {!outside && chain.length === 1 && !props.entry.causationId ? <li class="muted small">a first cause: nothing before it</li> : null}
    </ol>
  );
}
