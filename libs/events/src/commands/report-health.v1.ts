import { z } from 'zod';
import { AgentRefSchema } from './command-envelope';

/** A health check's verdict on an agent's container; recorded only when it changes. */
export const ReportHealthV1 = {
  type: 'agent.report_health',
  version: 1,
  payload: z.object({
    agent: AgentRefSchema,
    containerId: z.string().min(1),
    status: z.enum(['healthy', 'unhealthy']),
    probe: z.enum(['docker', 'command', 'http']),
    output: z.string().max(2000),
  }),
  example: { agent: 'coder-1', containerId: '4f2a9c', status: 'unhealthy', probe: 'command', output: 'sim-ctl health exited 1' },
} as const;
export type ReportHealthPayloadV1 = z.infer<typeof ReportHealthV1.payload>;
