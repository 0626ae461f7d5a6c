import { MONITOR_QUEUE, Subjects } from '@sacp/events';

/** Where resource samples go; the public names are in libs/events/src/subjects.ts. */
export const MetricsSubjects = {
  host: Subjects.metricsHost,
  agent: Subjects.metricsAgent,
  wildcard: Subjects.metricsWildcard,
  /** request/reply: the latest sample of every agent and of the host */
  agentsQuery: Subjects.query('metrics.agents'),
} as const;

export { MONITOR_QUEUE };
