import type { AgentChannel } from '../agent-bus/agent-channel';
import type { TaskAgentChannel } from './agent-channel.port';

/** The dispatcher's view of the agent protocol's channel. */
export function taskChannelOf(channel: AgentChannel): TaskAgentChannel {
  return {
    offer: (agentId, offer) => channel.offer(agentId, offer),
    cancel: (agentId, msg) => channel.cancel(agentId, msg),
    onReport: (listener) => channel.onReport((agentId, kind, body) => listener(agentId, kind, body as never)),
  };
}
