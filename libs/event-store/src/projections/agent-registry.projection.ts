import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@sacp/events';
import { AgentRegistryRepository } from '../repositories/agent-registry.repository';
import { foldRegistry, registryIdsOf } from './agent-registry.fold';
import type { Projection } from './projection';

const registry = new AgentRegistryRepository();

/**
 * One row per agent: what `sacp status` shows. The fold is `foldRegistry`, the same
 * one `agent.status` with `at` runs in memory over the events up to a moment.
 */
export const agentRegistryProjection: Projection = {
  name: 'agent_registry',
  clear: (tx) => registry.clear(tx),
  async applyBatch(tx: EntityManager, events: StoredEvent[]): Promise<void> {
    const ids = registryIdsOf(events);
    if (!ids.length) return;
    const entries = await registry.entriesOf(tx, ids);
    const changed = foldRegistry(entries, events);
    await registry.upsert(
      tx,
      [...changed].map((id) => entries.get(id)!).filter((e) => e.state.exists),
    );
  },
};
