/** NATS subjects: the public addresses of the control plane. */
export const Subjects = {
  /** request/reply commands: sacp.cmd.<aggregate>.<action> */
  command: (type: string) => `sacp.cmd.${type}`,
  commandWildcard: 'sacp.cmd.>',
  /** request/reply queries: sacp.qry.<aggregate>.<query> */
  query: (type: string) => `sacp.qry.${type}`,
  queryWildcard: 'sacp.qry.>',
  /** JetStream events: sacp.evt.<aggregate>.<event> */
  event: (type: string) => `sacp.evt.${type}`,
  eventWildcard: 'sacp.evt.>',
  /** internal hint from a writer that it committed to these streams (JSON array); not a contract for tools */
  appended: 'sacp.internal.appended',
  /** resource samples (NATS core, not JetStream): latest host and per-agent use */
  metricsHost: 'sacp.metrics.host',
  metricsAgent: (agentId: string) => `sacp.metrics.agent.${agentId}`,
  metricsWildcard: 'sacp.metrics.>',
  /** a followed log stream, one subject per follow session */
  logStream: (agentId: string, session: string) => `sacp.logs.${agentId}.${session}`,
} as const;

export const EVENT_STREAM = 'SACP_EVENTS';
/** queue group shared by orchestrator replicas: each command is handled once */
export const ORCHESTRATOR_QUEUE = 'sacp-orchestrator';
/** queue group shared by monitor replicas: each metrics query is answered once */
export const MONITOR_QUEUE = 'sacp-monitor';
