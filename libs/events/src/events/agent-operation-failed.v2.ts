import { z } from 'zod';
import { AgentOperationFailedV1 } from './agent-operation-failed.v1';

/**
 * A Docker operation for the agent failed, with where its back-off stands: one event
 * per failed attempt, none while the orchestrator waits for the next one. After
 * `limit` failed attempts `nextAttemptAt` is null: no more automatic attempts until an
 * operator starts, restarts or stops the agent.
 */
export const AgentOperationFailedV2 = {
  type: 'agent.operation_failed',
  version: 2,
  data: AgentOperationFailedV1.data.extend({
    /** consecutive failed attempts, this one included */
    failures: z.number().int().min(1),
    /** attempts allowed before the orchestrator waits for an operator */
    limit: z.number().int().min(1),
    /** when the orchestrator tries again; null when it gave up */
    nextAttemptAt: z.string().datetime().nullable(),
  }),
  example: {
    agentId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10',
    operation: 'start',
    code: 'DOCKER.OPERATION_FAILED',
    message: 'Bind for 127.0.0.1:18080 failed: port is already allocated',
    failures: 2,
    limit: 5,
    nextAttemptAt: '2026-11-29T20:00:04.000Z',
  },
} as const;
export type AgentOperationFailedDataV2 = z.infer<typeof AgentOperationFailedV2.data>;
