import type { TaskAgentChannel } from './agent-channel.port';

/** Placeholder until the agent protocol's channel is provided: every offer is unanswered (the accept timeout ends the attempt). */
export const unavailableChannel: TaskAgentChannel = {
  offer: () => Promise.reject(new Error('no agent channel')),
  cancel: () => Promise.reject(new Error('no agent channel')),
  onReport: () => undefined,
};
