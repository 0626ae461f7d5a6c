import type { ControlPlaneClient } from './bus';
import { Subjects } from '@sacp/events';

/** The monitor's latest resource sample of one agent's container. */
export interface AgentResources {
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  pids: number;
  /** when the sample was taken */
  at: string;
}

/** The reply of `sacp.qry.metrics.agents`, answered by the monitor from its latest samples. */
export interface MetricsAgentsResult {
  host: Record<string, unknown> | null;
  agents: Record<string, AgentResources>;
}

/** Resource use is garnish for `status`: wait this long at most, then show the table without it. */
export const METRICS_TIMEOUT_MS = 1000;

export const METRICS_AGENTS_SUBJECT = Subjects.query('metrics.agents');

/**
 * Asks the monitor for the latest per-agent samples. Resolves with null when no
 * monitor answers (none running, or too slow), when it answers with an error, or
 * when the bus fails: `status` never fails because resource figures are missing.
 */
export async function fetchAgentResources(client: ControlPlaneClient, timeoutMs = METRICS_TIMEOUT_MS): Promise<Record<string, AgentResources> | null> {
  try {
    const reply = await client.optionalRequest<{ ok: true; result: MetricsAgentsResult } | { ok: false }>(METRICS_AGENTS_SUBJECT, {}, timeoutMs);
    if (!reply || !reply.ok || !reply.result || typeof reply.result.agents !== 'object' || reply.result.agents === null) return null;
    return reply.result.agents;
  } catch {
    return null;
  }
}
