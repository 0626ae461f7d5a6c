import type Docker from 'dockerode';
import type { ContainerHealth } from './container-summary';

/** One reading of a container's resource counters (Docker's stats endpoint), as plain data. */
export interface ContainerStats {
  /** when Docker read the counters (ISO) */
  readAt: string;
  /** cumulative CPU time used by the container, in nanoseconds: two readings give a share */
  cpuUsageNanos: number;
  /** % of one core between Docker's previous reading and this one; null for a one-shot reading, which has none */
  cpuPercent: number | null;
  onlineCpus: number;
  /** used memory without the inactive page cache, as `docker stats` shows it */
  memoryBytes: number;
  memoryLimitBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  pids: number;
}

/** A container's HEALTHCHECK state with the output of its latest check. */
export interface ContainerHealthDetail {
  status: ContainerHealth;
  failingStreak: number;
  /** the latest check: exit code and (trimmed) output */
  last: { exitCode: number; output: string; at: string } | null;
}

export function toContainerStats(s: Docker.ContainerStats): ContainerStats {
  const mem = s.memory_stats ?? ({} as Docker.ContainerStats['memory_stats']);
  const memStats = (mem.stats ?? {}) as unknown as Record<string, number | undefined>;
  // cgroup v1 names it total_inactive_file, v2 inactive_file (what the docker CLI subtracts)
  const inactive = memStats.total_inactive_file ?? memStats.inactive_file ?? 0;
  const usage = mem.usage ?? 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes;
    tx += n.tx_bytes;
  }
  const cpu = s.cpu_stats;
  const pre = s.precpu_stats;
  const onlineCpus = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  const cpuPercent = pre?.system_cpu_usage && systemDelta > 0 && cpuDelta >= 0 ? Math.round((cpuDelta / systemDelta) * onlineCpus * 10_000) / 100 : null;
  return {
    readAt: s.read,
    cpuUsageNanos: cpu?.cpu_usage?.total_usage ?? 0,
    cpuPercent,
    onlineCpus,
    memoryBytes: Math.max(0, usage - (inactive < usage ? inactive : 0)),
    memoryLimitBytes: mem.limit ?? 0,
    networkRxBytes: rx,
    networkTxBytes: tx,
    pids: s.pids_stats?.current ?? 0,
  };
}

export function toHealthDetail(info: Docker.ContainerInspectInfo): ContainerHealthDetail | null {
  const h = info.State.Health as { Status?: string; FailingStreak?: number; Log?: Array<{ ExitCode: number; Output: string; End?: string; Start?: string }> } | undefined;
  if (!h?.Status || !['starting', 'healthy', 'unhealthy'].includes(h.Status)) return null;
  const last = h.Log?.length ? h.Log[h.Log.length - 1]! : null;
  return {
    status: h.Status as ContainerHealth,
    failingStreak: h.FailingStreak ?? 0,
    last: last ? { exitCode: last.ExitCode, output: last.Output.trim().slice(0, 1000), at: last.End ?? last.Start ?? '' } : null,
  };
}
