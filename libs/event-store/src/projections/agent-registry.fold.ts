import type { StoredEvent } from '@sacp/events';
import { evolveAgent, initialAgentState, type AgentState, type EvolvableEvent } from '@sacp/domain';
import type { AgentRegistryEntity, RegistryAlert } from '../entities/agent-registry.entity';

/** One agent as the registry keeps it: its folded state and the last alert about it. */
export interface RegistryEntry {
  state: AgentState;
  lastAlert: RegistryAlert | null;
}

const isAgentStream = (e: StoredEvent) => e.streamId.startsWith('agent-') && !e.streamId.startsWith('agent-name-');
const isAlert = (e: StoredEvent) => e.type === 'alert.raised' || e.type === 'alert.resolved';
type AlertData = { agentId: string | null; key: string; severity?: string; cause?: string; message: string };

/** The agents a batch of events changes: the agents whose streams it writes and those its alerts are about. */
export function registryIdsOf(events: readonly StoredEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    if (isAgentStream(e)) ids.add(e.streamId.slice('agent-'.length));
    else if (isAlert(e) && (e.data as AlertData).agentId) ids.add((e.data as AlertData).agentId!);
  }
  return [...ids];
}

/**
 * The agent registry's fold, the one the projection writes and `agent.status` with
 * `at` keeps in memory: applies `events` (in commit-safe order) to `entries`, and
 * returns the agents it changed. An event at or below an agent's version was applied
 * already (redelivery); an alert about an agent the registry does not hold is ignored.
 */
export function foldRegistry(entries: Map<string, RegistryEntry>, events: readonly StoredEvent[]): Set<string> {
  const changed = new Set<string>();
  for (const e of events) {
    if (isAgentStream(e)) {
      const id = e.streamId.slice('agent-'.length);
      const entry = entries.get(id) ?? { state: initialAgentState(id), lastAlert: null };
      if (e.streamPosition <= entry.state.version) continue;
      entries.set(id, { ...entry, state: evolveAgent(entry.state, e as unknown as EvolvableEvent) });
      changed.add(id);
    } else if (isAlert(e)) {
      const d = e.data as AlertData;
      const entry = d.agentId ? entries.get(d.agentId) : undefined;
      if (!entry?.state.exists) continue;
      const lastAlert = lastAlertAfter(entry.lastAlert, e, d);
      if (lastAlert === entry.lastAlert) continue;
      entries.set(d.agentId!, { ...entry, lastAlert });
      changed.add(d.agentId!);
    }
  }
  return changed;
}

/** A raised alert becomes the agent's last alert; a resolved one is marked so when it is the last. */
function lastAlertAfter(current: RegistryAlert | null, e: StoredEvent, d: AlertData): RegistryAlert | null {
  const at = e.metadata.occurredAt;
  if (e.type === 'alert.raised') return { key: d.key, state: 'open', severity: d.severity ?? null, cause: d.cause ?? null, message: d.message, at };
  if (current?.key !== d.key) return current;
  return { ...current, state: 'resolved', message: d.message, at };
}

/** The registry row of an entry: what the projection writes, and what a read in memory shows. */
export function registryRowOf({ state: s, lastAlert }: RegistryEntry): AgentRegistryEntity {
  return {
    agentId: s.agentId,
    name: s.name,
    templateName: s.template?.name ?? null,
    templateVersion: s.template?.version ?? null,
    adopted: s.adopted,
    generation: s.generation,
    desired: s.desired,
    observed: s.observed,
    containerId: s.containerId,
    containerName: s.containerName,
    lastExitCode: s.lastExitCode,
    restarts: s.restarts,
    lastError: s.lastError,
    createdAt: s.createdAt ? new Date(s.createdAt) : null,
    updatedAt: s.updatedAt ? new Date(s.updatedAt) : null,
    version: s.version,
    state: s as unknown as Record<string, unknown>,
    health: s.health,
    lastOomKilled: s.lastOomKilled,
    restartDueAt: s.restartSeqRequested > s.restartSeqDone && s.restartDueAt ? new Date(s.restartDueAt) : null,
    recoveryAbandoned: s.recoveryAbandoned,
    lastAlert,
  };
}
