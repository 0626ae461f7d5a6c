import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@sacp/events';
import { evolveAgent, type EvolvableEvent, initialAgentState } from '@sacp/domain';
import { AgentRegistryRepository } from '../repositories/agent-registry.repository';
import type { Projection } from './projection';

const isAgentStream = (e: StoredEvent) => e.streamId.startsWith('agent-') && !e.streamId.startsWith('agent-name-');
const registry = new AgentRegistryRepository();

/** One row per agent: what `sacp status` shows. */
export const agentRegistryProjection: Projection = {
  name: 'agent_registry',
  clear: (tx) => registry.clear(tx),
  async applyBatch(tx: EntityManager, events: StoredEvent[]): Promise<void> {
    // agents first: an alert in the same batch as an agent's first event needs its row
    await applyAgents(tx, events);
    await applyAlerts(tx, events);
  },
};

async function applyAgents(tx: EntityManager, events: StoredEvent[]): Promise<void> {
  const relevant = events.filter(isAgentStream);
  if (!relevant.length) return;
  const ids = [...new Set(relevant.map((e) => e.streamId.slice('agent-'.length)))];
  const states = await registry.statesOf(tx, ids);
  for (const e of relevant) {
    const id = e.streamId.slice('agent-'.length);
    const state = states.get(id) ?? initialAgentState(id);
    // redelivery guard: an event at or below the row's version was applied already
    if (e.streamPosition <= state.version) continue;
    states.set(id, evolveAgent(state, e as unknown as EvolvableEvent));
  }
  await registry.upsert(
    tx,
    ids.map((id) => states.get(id)!).filter((s) => s.exists),
  );
}

/** The last alert raised or resolved about each agent, shown beside it. */
async function applyAlerts(tx: EntityManager, events: StoredEvent[]): Promise<void> {
  for (const e of events) {
    if (e.type !== 'alert.raised' && e.type !== 'alert.resolved') continue;
    const d = e.data as { agentId: string | null; key: string; severity?: string; cause?: string; message: string };
    if (!d.agentId) continue;
    if (e.type === 'alert.resolved') await registry.alertResolved(tx, d.agentId, d.key, { message: d.message, at: e.metadata.occurredAt });
    else
      await registry.alertRaised(tx, d.agentId, {
        key: d.key,
        state: 'open',
        severity: d.severity ?? null,
        cause: d.cause ?? null,
        message: d.message,
        at: e.metadata.occurredAt,
      });
  }
}
