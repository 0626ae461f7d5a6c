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
