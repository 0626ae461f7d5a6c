import type { BusClient } from '@sacp/bus';
import type { AgentResourceSample } from '@sacp/events';

/** The monitor's latest resource sample of one agent's container. */
export type AgentResources = AgentResourceSample;

/** Resource use is garnish for `status`: wait this long at most, then show the table without it. */
export const METRICS_TIMEOUT_MS = 1000;

/**
 * Asks the monitor for the latest per-agent samples. Resolves with null when no
 * monitor answers (none running, or too slow), when it answers with an error, or
 * when the bus fails: `status` never fails because resource figures are missing.
 */
export async function fetchAgentResources(bus: BusClient, timeoutMs = METRICS_TIMEOUT_MS): Promise<Record<string, AgentResources> | null> {
  try {
    const reply = await bus.query('metrics.agents', {}, { timeoutMs });
    if (!reply.ok || !reply.result || typeof reply.result.agents !== 'object' || reply.result.agents === null) return null;
    return reply.result.agents;
  } catch {
    return null;
  }
}
