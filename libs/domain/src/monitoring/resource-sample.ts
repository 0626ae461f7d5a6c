/**
 * Resource samples the monitor publishes on NATS core subjects for live views
 * (`sacp.metrics.host`, `sacp.metrics.agent.<agentId>`) and answers on
 * `sacp.qry.metrics.agents`. Plain JSON, not events: nothing records them.
 */
export interface AgentResourceSample {
  agentId: string;
  containerId: string;
  /** % of one core since the previous sample (200 = two full cores); 0 on the first sample */
  cpuPercent: number;
  /** used memory without the page cache, as `docker stats` shows it */
  memoryBytes: number;
  memoryLimitBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  pids: number;
  at: string;
}

export interface HostResourceSample {
  /** % of all cores since the previous sample */
  cpuPercent: number;
  cpuCount: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
  memoryPercent: number;
  diskPath: string;
  diskUsedBytes: number;
  diskTotalBytes: number;
  diskPercent: number;
  /** 1, 5 and 15 minute load averages */
  load: [number, number, number];
  at: string;
}

export interface MetricsAgentsReply {
  host: HostResourceSample | null;
  agents: Record<string, AgentResourceSample>;
}

/** Cumulative CPU counters of one reading, to turn two readings into a share. */
export interface CpuReading {
  usageNanos: number;
  at: string;
}

/** % of one core used between two readings of a cumulative counter; 0 when they are not comparable. */
export function cpuPercentBetween(prev: CpuReading | null, next: CpuReading): number {
  if (!prev) return 0;
  const wallNanos = (Date.parse(next.at) - Date.parse(prev.at)) * 1e6;
  const used = next.usageNanos - prev.usageNanos;
  if (wallNanos <= 0 || used < 0) return 0;
  return Math.round((used / wallNanos) * 10_000) / 100;
}

export const percentOf = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 10_000) / 100 : 0);
