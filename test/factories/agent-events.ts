import {
  type AgentCommand,
  type AgentNameState,
  type AgentState,
  decideAgent,
  type Decision,
  type EvolvableEvent,
  evolveAgent,
  evolveAgentName,
  initialAgentNameState,
  initialAgentState,
} from '@sacp/domain';
import type { EventDataMap } from '@sacp/events';
import type { Decider } from '../support/decider-spec';

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

/** The events of a deployed agent whose container runs. */
export const runningAgentEvents = (containerId = 'c1'): EvolvableEvent[] => [
  deployed(),
  event('agent.container_created', { containerId, containerName: 'sacp-coder-1-5a327123-g1', generation: 1 }),
  event('agent.container_started', { containerId }),
];

/** A deployed agent whose container runs. */
export function runningAgent(containerId = 'c1'): AgentState {
  return given(...runningAgentEvents(containerId));
}

/** An agent and the stream of the name it claims: a deploy decides on both. */
export interface AgentAndName {
  agent: AgentState;
  name: AgentNameState;
}

const NAME_EVENTS = new Set(['agent.name_claimed', 'agent.name_released']);

/** The agent decider for Given/When/Then (test/support/decider-spec.ts); the given events go to the agent's stream, or the name stream for name events. */
export const agentDecider: Decider<AgentCommand, AgentAndName, Decision> = {
  initialState: () => ({ agent: initialAgentState(AGENT_ID), name: initialAgentNameState() }),
  evolve: (s, e) => (NAME_EVENTS.has(e.type) ? { ...s, name: evolveAgentName(s.name, e) } : { ...s, agent: evolveAgent(s.agent, e) }),
  decide: (command, s) => decideAgent(command, s.agent, s.name),
  appended: (d) => d.appends.flatMap((a) => a.events.map((e) => ({ stream: a.streamId, ...e }))),
};
