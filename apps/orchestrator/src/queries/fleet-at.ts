import { DomainError } from '@sacp/domain';
import { foldRegistry, registryRowOf, START, checkpointOf, type EventStore, type RegistryEntry } from '@sacp/event-store';
import { ErrorCodes, Limits, decodeCursor, encodeCursor, fitPage, type AgentStatusView, type AsOf } from '@sacp/events';
import { matchesFilters, registryView, type StatusFilters } from './agent-registry.reader';

/** Events read per round trip while folding. */
const BATCH = 2000;
const CURSOR = 'agent.status@at';

/** The registry as it was at `at`, and the event it was folded up to. */
export interface FleetAt {
  entries: Map<string, RegistryEntry>;
  asOf: AsOf;
}

/**
 * Folds the agent registry in memory (the projection's own fold, nothing written)
 * over the longest prefix of the commit-safe order whose events were recorded at or
 * before `at`: the fleet as a replay up to that event would show it. Memory holds one
 * batch of events and one entry per agent.
 */
export async function foldFleetAt(store: EventStore, at: string): Promise<FleetAt> {
  const limit = Date.parse(at);
  const entries = new Map<string, RegistryEntry>();
  let cp = START;
  let position = '0';
  for (;;) {
    const batch = await store.readAll(cp, BATCH);
    const cut = batch.findIndex((e) => Date.parse(e.recordedAt) > limit);
    const included = cut === -1 ? batch : batch.slice(0, cut);
    foldRegistry(entries, included);
    if (included.length) position = included[included.length - 1]!.globalPosition;
    if (cut !== -1 || batch.length < BATCH) break;
    cp = checkpointOf(batch[batch.length - 1]!);
  }
  return { entries, asOf: { at: new Date(limit).toISOString(), position } };
}

/** Where an `at` page ends: creation time (null first), name, id; and the moment it is of. */
type AtKey = { t: string | null; name: string; id: string; at: string };
const compareKey = (a: Omit<AtKey, 'at'>, b: Omit<AtKey, 'at'>): number => {
  if (a.t !== b.t) return a.t === null ? -1 : b.t === null ? 1 : Date.parse(a.t) - Date.parse(b.t) || (a.t < b.t ? -1 : 1);
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};
const keyOf = (v: AgentStatusView) => ({ t: v.createdAt || null, name: v.name, id: v.id });

/** The views of a folded fleet: every agent that existed and was not removed, in the registry's order, filtered. */
export function fleetViews(fleet: FleetAt, filters: StatusFilters): AgentStatusView[] {
  return [...fleet.entries.values()]
    .filter((e) => e.state.exists && e.state.observed !== 'removed')
    .map((e) => registryView(registryRowOf(e)))
    .filter((v) => matchesFilters(v, filters))
    .sort((a, b) => compareKey(keyOf(a), keyOf(b)));
}

/** One page of `agent.status` with `at`. A cursor is only good for the same `at`. */
export async function readFleetAtPage(
  store: EventStore,
  q: StatusFilters & { at: string; cursor?: string; pageSize: number },
): Promise<{ result: AgentStatusView[]; nextCursor?: string; asOf: AsOf }> {
  let after: AtKey | null = null;
  if (q.cursor) {
    after = decodeCursor<AtKey & Record<string, unknown>>(CURSOR, q.cursor);
    if (!after || typeof after.name !== 'string' || typeof after.id !== 'string' || Date.parse(after.at) !== Date.parse(q.at))
      throw new DomainError(ErrorCodes.QUERY_CURSOR_INVALID, 'this cursor is not one agent.status handed out for this "at"; start again without a cursor');
  }
  const fleet = await foldFleetAt(store, q.at);
  const all = fleetViews(fleet, q);
  const rest = after ? all.filter((v) => compareKey(keyOf(v), after) > 0) : all;
  const n = fitPage(rest, q.pageSize, Limits.PAGE_MAX_BYTES);
  const result = rest.slice(0, n);
  if (rest.length <= n) return { result, asOf: fleet.asOf };
  return { result, asOf: fleet.asOf, nextCursor: encodeCursor(CURSOR, { ...keyOf(result[n - 1]!), at: fleet.asOf.at }) };
}

/** One agent as it was at `at`, by id, or by the name it held then (a removed one by its id only). */
export async function readAgentAt(store: EventStore, ref: string, at: string): Promise<{ result: AgentStatusView[]; asOf: AsOf }> {
  const fleet = await foldFleetAt(store, at);
  const byId = fleet.entries.get(ref);
  const entry = byId?.state.exists ? byId : [...fleet.entries.values()].find((e) => e.state.exists && e.state.observed !== 'removed' && e.state.name === ref);
  if (!entry) throw new DomainError(ErrorCodes.AGENT_NOT_FOUND, `no agent named "${ref}" at ${fleet.asOf.at}`, { agent: ref, at: fleet.asOf.at });
  return { result: [registryView(registryRowOf(entry))], asOf: fleet.asOf };
}
