import { type EvolvableEvent, evolveAgent, initialAgentState, type AgentState } from '@sacp/domain';
import type { EventDataMap } from '@sacp/events';

export const AGENT_ID = '01a21741-34fc-762b-81eb-f9f75a327123';
export const TEMPLATE_REF = { name: 'sim', version: 1, hash: 'sha256:abc' };

let clock = Date.parse('2026-11-26T10:00:00Z');
/** An event as the domain folds it, with a deterministic, advancing time. */
export function event<K extends keyof EventDataMap>(type: K, data: Partial<EventDataMap[K]> = {}): EvolvableEvent {
  clock += 1000;
  return { type, data: { agentId: AGENT_ID, ...data }, metadata: { occurredAt: new Date(clock).toISOString() } } as unknown as EvolvableEvent;
}

export const deployed = () => event('agent.deployed', { name: 'coder-1', template: TEMPLATE_REF, generation: 1 });

/** Given these events, the agent's state. */
export function given(...events: EvolvableEvent[]): AgentState {
  return events.reduce(evolveAgent, initialAgentState(AGENT_ID));
}

/** A deployed agent whose container runs. */
export function runningAgent(containerId = 'c1'): AgentState {
  return given(
    deployed(),
    event('agent.container_created', { containerId, containerName: 'sacp-coder-1-5a327123-g1', generation: 1 }),
    event('agent.container_started', { containerId }),
  );
}
