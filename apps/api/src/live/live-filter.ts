import type { StoredEvent } from '@sacp/events';
import type { Topic } from './live.protocol';

/** Most agent ids a filter learns from deploy events (names that became agents after subscribing). */
const MAX_LEARNED_IDS = 1000;

/**
 * What one client asked for: topics, and optionally some agents by name or id.
 * Without `agents`, everything of the topics. With it, an event goes through when it
 * is about one of those agents (its stream, or the agent it names); a name is
 * resolved to its id at subscribe time and learnt from `agent.deployed` /
 * `agent.adopted` afterwards, so an agent deployed under a watched name is followed.
 */
export class LiveFilter {
  private readonly topics: Set<Topic>;
  private readonly refs: Set<string> | null;
  private readonly ids: Set<string>;

  constructor(topics: readonly Topic[], agents?: readonly string[], resolvedIds: readonly string[] = []) {
    this.topics = new Set(topics);
    this.refs = agents ? new Set(agents) : null;
    this.ids = new Set([...(agents ?? []), ...resolvedIds]);
  }

  /** How an event is to be sent to this client, if at all: an alert event once, as 'alert' when alerts are asked for. */
  classify(event: Pick<StoredEvent, 'type' | 'streamId' | 'data'>): 'event' | 'alert' | null {
    const isAlert = event.type.startsWith('alert.');
    const as = isAlert && this.topics.has('alerts') ? 'alert' : this.topics.has('events') ? 'event' : null;
    if (!as || !this.refs) return as;
    return this.concerns(event) ? as : null;
  }

  /** Resource samples: the host's always (when asked for resources), an agent's when it is watched. */
  wantsResource(agentId: string | null): boolean {
    if (!this.topics.has('resources')) return false;
    return agentId === null || !this.refs || this.ids.has(agentId);
  }

  private concerns(event: Pick<StoredEvent, 'type' | 'streamId' | 'data'>): boolean {
    const refs = this.refs!;
    const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Record<string, unknown>;
    const agentId = typeof data.agentId === 'string' ? data.agentId : null;
    const name = typeof data.name === 'string' && event.type.startsWith('agent.') ? data.name : typeof data.agentName === 'string' ? data.agentName : null;
    if (name && refs.has(name) && agentId && this.ids.size < MAX_LEARNED_IDS) this.ids.add(agentId);
    if (event.streamId.startsWith('agent-name-')) return refs.has(event.streamId.slice('agent-name-'.length));
    if (event.streamId.startsWith('agent-') && this.ids.has(event.streamId.slice('agent-'.length))) return true;
    return (agentId !== null && this.ids.has(agentId)) || (name !== null && refs.has(name));
  }
}
