import { AGENT_ID, AgentBusEnv, agentBusUser } from './subjects';

/** Where and as whom an agent connects: read from its container's environment. */
export interface AgentBusConfig {
  url: string;
  user: string;
  password: string;
  agentId: string;
}

/** Raised when an agent's environment lacks the bus settings or holds bad ones; says which variable. */
export class AgentBusConfigError extends Error {
  override readonly name = 'AgentBusConfigError';
}

/** True when the container was given a bus credential (all three SACP_BUS_* variables and SACP_AGENT_ID). */
export function hasAgentBusEnv(env: Record<string, string | undefined>): boolean {
  return [AgentBusEnv.url, AgentBusEnv.user, AgentBusEnv.password, AgentBusEnv.agentId].every((k) => !!env[k]);
}

export function agentBusConfigFromEnv(env: Record<string, string | undefined>): AgentBusConfig {
  const missing = [AgentBusEnv.url, AgentBusEnv.user, AgentBusEnv.password, AgentBusEnv.agentId].filter((k) => !env[k]);
  if (missing.length) throw new AgentBusConfigError(`the agent's environment lacks ${missing.join(', ')}: the control plane sets them when it creates the container`);
  const url = env[AgentBusEnv.url]!;
  const agentId = env[AgentBusEnv.agentId]!;
  const user = env[AgentBusEnv.user]!;
  if (!/^nats:\/\/[^\s/]+:\d{1,5}$/.test(url)) throw new AgentBusConfigError(`${AgentBusEnv.url}="${url}" is not a nats://host:port address`);
  if (!AGENT_ID.test(agentId)) throw new AgentBusConfigError(`${AgentBusEnv.agentId}="${agentId}" is not an agent id (a lower-case UUID)`);
  if (user !== agentBusUser(agentId)) throw new AgentBusConfigError(`${AgentBusEnv.user}="${user}" does not belong to agent ${agentId} (expected "${agentBusUser(agentId)}")`);
  return { url, user, password: env[AgentBusEnv.password]!, agentId };
}
