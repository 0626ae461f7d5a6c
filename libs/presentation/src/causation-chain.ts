import type { HistoryEntry } from '@sacp/events';
import { summarizeEvent } from './event-summary';

/**
 * Events that change what an agent is or does: its desired state, its container, its
 * health or its recovery. `sacp why` explains the last of these.
 */
export const STATE_CHANGES: ReadonlySet<string> = new Set([
  'agent.deployed',
  'agent.adopted',
  'agent.start_requested',
  'agent.stop_requested',
  'agent.restart_requested',
  'agent.remove_requested',
  'agent.container_created',
  'agent.container_started',
  'agent.container_stopped',
  'agent.container_exited',
  'agent.container_restarted',
  'agent.container_removed',
  'agent.removed',
  'agent.operation_failed',
  'agent.restart_scheduled',
  'agent.recovery_abandoned',
  'agent.health_changed',
]);

/** One link of the chain: the history entry and what it means in words. */
export interface WhyStep extends HistoryEntry {
  summary: string;
}

export interface CausationChain {
  /** oldest first; the last step is the agent's last state change */
  steps: WhyStep[];
  /** the first step's cause when that is not an event of this agent's history */
  unresolvedCause: string | null;
  /** --depth cut the chain short: the first step has a known cause that is not shown */
  truncated: boolean;
}

/**
 * Follows `causationId` back from the last state change through the agent's own
 * history, for as long as the cause is found there (and never round a loop).
 */
export function causationChain(entries: HistoryEntry[], depth = Infinity): CausationChain | null {
  const last = [...entries].reverse().find((e) => STATE_CHANGES.has(e.type));
  if (!last) return null;
  const byId = new Map(entries.map((e) => [e.eventId, e]));
  const chain: HistoryEntry[] = [last];
  const seen = new Set([last.eventId]);
  let truncated = false;
  for (let cur = last; ;) {
    const cause = cur.causationId ? byId.get(cur.causationId) : undefined;
    if (!cause || seen.has(cause.eventId)) break;
    if (chain.length >= depth) {
      truncated = true;
      break;
    }
    seen.add(cause.eventId);
    chain.unshift(cause);
    cur = cause;
  }
  const first = chain[0]!;
  return {
    steps: chain.map((e) => ({ ...e, summary: summarizeEvent(e) })),
    unresolvedCause: first.causationId && !byId.has(first.causationId) ? first.causationId : null,
    truncated,
  };
}
