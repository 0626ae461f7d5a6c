import type { CommandType } from './commands';
import type { QueryType } from './queries';
import type { SenderKind } from './senders';

/** NATS subjects: the public addresses of the control plane. */
export const Subjects = {
  /**
   * request/reply commands: sacp.cmd.<aggregate>.<action>.<actorKind>. The last token
   * is the sender's actor kind, so NATS permissions can bind each credential to the
   * kinds it may claim and the orchestrator can check the envelope against it.
   */
  /** an `agent` actor has no command subject any credential may publish: such an envelope is always refused */
  command: (type: CommandType, kind: SenderKind | 'agent') => `sacp.cmd.${type}.${kind}`,
  commandWildcard: 'sacp.cmd.>',
  /** every subject a sender of this kind may use for one command type (no wildcards in the type) */
  commandOf: (type: CommandType) => `sacp.cmd.${type}.*`,
  /** request/reply queries: sacp.qry.<aggregate>.<query> */
  query: (type: QueryType) => `sacp.qry.${type}`,
  /** what every query subject starts with */
  queryPrefix: 'sacp.qry.',
  queryWildcard: 'sacp.qry.>',
  /** JetStream events: sacp.evt.<aggregate>.<event> (or a pattern such as `alert.*`; stored events may carry types this version does not know) */
  event: (type: string) => `sacp.evt.${type}`,
  eventWildcard: 'sacp.evt.>',
  /** internal hint from a writer that it committed to these streams (JSON array); not a contract for tools */
  appended: 'sacp.internal.appended',
  /** resource samples (NATS core, not JetStream): latest host and per-agent use */
  metricsHost: 'sacp.metrics.host',
  metricsAgent: (agentId: string) => `sacp.metrics.agent.${agentId}`,
  metricsWildcard: 'sacp.metrics.>',
  /** a followed log stream, one subject per follow session; readers send `.stop` / `.alive` under it */
  logStream: (agentId: string, session: string) => `sacp.logs.${agentId}.${session}`,
  logsWildcard: 'sacp.logs.>',
  /** every line the log collector stores, as it stores it (NATS core, live tail): one subject per agent */
  agentLogs: (agentId: string) => `sacp.agentlogs.${agentId}`,
  agentLogsWildcard: 'sacp.agentlogs.>',
} as const;

export const EVENT_STREAM = 'SACP_EVENTS';
/** queue group shared by orchestrator replicas: each command is handled once */
export const ORCHESTRATOR_QUEUE = 'sacp-orchestrator';
/** queue group shared by monitor replicas: each metrics or log search query is answered once */
export const MONITOR_QUEUE = 'sacp-monitor';

/** `sacp.cmd.agent.stop.cli` → { type: 'agent.stop', kind: 'cli' }; null when the subject has no kind token. */
export function parseCommandSubject(subject: string): { type: string; kind: string } | null {
  const parts = subject.split('.');
  if (parts.length !== 5 || parts[0] !== 'sacp' || parts[1] !== 'cmd') return null;
  return { type: `${parts[2]}.${parts[3]}`, kind: parts[4]! };
}
