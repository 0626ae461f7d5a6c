import { Subjects } from '../../../../libs/events/src/subjects';

/**
 * Where resource samples go: NATS core subjects (not JetStream, not events), for live
 * views. Payloads are AgentResourceSample / HostResourceSample (libs/domain/src/monitoring).
 * TODO(contracts): move next to Subjects in libs/events once that file's owner adds them.
 */
export const MetricsSubjects = {
  host: 'sacp.metrics.host',
  agent: (agentId: string) => `sacp.metrics.agent.${agentId}`,
  wildcard: 'sacp.metrics.>',
  /** request/reply: the latest sample of every agent and of the host */
  agentsQuery: Subjects.query('metrics.agents'),
} as const;

/** queue group of monitor replicas: each query is answered once */
export const MONITOR_QUEUE = 'sacp-monitor';
