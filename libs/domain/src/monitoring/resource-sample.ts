export type { AgentResourceSample, HostResourceSample, MetricsAgentsReply } from '@sacp/events';

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
