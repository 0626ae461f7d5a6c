import { Injectable } from '@nestjs/common';
import { ErrorCodes, type StoredEvent } from '@sacp/events';
import {
  DomainError,
  evolveAgent,
  evolveAgentName,
  type EvolvableEvent,
  agentNameStreamId,
  agentStreamId,
  initialAgentNameState,
  initialAgentState,
  type AgentNameState,
  type AgentState,
} from '@sacp/domain';
import { EventStore } from '@sacp/event-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const asEvolvable = (e: StoredEvent) => e as unknown as EvolvableEvent;

/** Reads agents from their streams: the authoritative state every decision is based on. */
@Injectable()
export class AgentLocator {
  constructor(private readonly store: EventStore) {}

  async load(agentId: string): Promise<{ state: AgentState; events: StoredEvent[] }> {
    const events = await this.store.readStream(agentStreamId(agentId));
    return { state: events.reduce((s, e) => evolveAgent(s, asEvolvable(e)), initialAgentState(agentId)), events };
  }

  async loadName(name: string): Promise<AgentNameState> {
    const events = await this.store.readStream(agentNameStreamId(name));
    return events.reduce((s, e) => evolveAgentName(s, asEvolvable(e)), initialAgentNameState());
  }

  /**
   * An agent's id and stream version by name or id, without reading its stream (for
   * paged reads of long histories).
   */
  async resolveId(ref: string): Promise<{ agentId: string; version: number }> {
    let agentId = ref;
    if (!UUID.test(ref)) {
      const holder = (await this.loadName(ref)).holder;
      if (!holder) throw notFound(ref);
      agentId = holder;
    }
    const version = await this.store.streamVersion(agentStreamId(agentId));
    if (!version) throw notFound(ref);
    return { agentId, version };
  }

  /** An agent by name or id. A name resolves only while an agent holds it; an id resolves for ever. */
  async resolve(ref: string): Promise<{ state: AgentState; events: StoredEvent[] }> {
    let agentId = ref;
    if (!UUID.test(ref)) {
      const holder = (await this.loadName(ref)).holder;
      if (!holder) throw notFound(ref);
      agentId = holder;
    }
    const loaded = await this.load(agentId);
    if (!loaded.state.exists) throw notFound(ref);
    return loaded;
  }
}

export const notFound = (ref: string) => new DomainError(ErrorCodes.AGENT_NOT_FOUND, `no agent named "${ref}": see "sacp status" for the agents that exist`, { agent: ref });
