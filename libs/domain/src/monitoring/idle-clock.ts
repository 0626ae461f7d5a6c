/**
 * How long an agent's container has shown no sign of work. Signals that count as
 * activity (each observation carries them):
 * - CPU: the container used more than `cpuPercentThreshold` % of one core on average
 *   over a window of at least `cpuWindowMs` (a window, not one sample: a Docker
 *   HEALTHCHECK exec costs the container a few milliseconds of CPU every few seconds,
 *   which a one-second sample would mistake for work);
 * - network: it sent bytes (its transmit counter changed). Received bytes alone do
 *   not count: broadcasts of other containers on the same bridge (ARP) reach every
 *   container, while anything the agent does or answers makes it send;
 * - logs: it wrote a log line (stdout or stderr) since the previous observation.
 * A task assigned to the agent would count too once tasks exist; nothing records
 * them yet.
 *
 * The clock starts when the container (re)starts, and also when observation starts
 * or resumes after a gap: the agent must be seen quiet the whole time, so a monitor
 * that was down, or samples that failed, never make an agent look idle.
 * Pure: every observation carries its own time.
 */
export interface IdleThresholds {
  /** CPU above this share of one core (in %), on average over `cpuWindowMs`, is activity */
  cpuPercentThreshold: number;
  cpuWindowMs: number;
  /** observations further apart than this restart the clock: the gap was not watched */
  maxGapMs: number;
}

export interface IdleObservation {
  at: string;
  /** CPU time the container used so far, in nanoseconds (a cumulative counter) */
  cpuUsageNanos: number;
  /** bytes sent so far (a cumulative counter) */
  networkBytes: number;
  /** timestamp of the newest log line the container wrote, null when it wrote none */
  lastLogAt: string | null;
}

export type IdleSignal = 'cpu' | 'network' | 'logs';

export interface IdleClock {
  containerId: string;
  runningSince: string;
  /** since when the agent has been seen quiet */
  quietSince: string;
  /** what last broke the quiet, for the log */
  lastActivity: IdleSignal | 'start' | 'unobserved' | null;
  lastObservedAt: string | null;
  networkBytes: number | null;
  lastLogAt: string | null;
  /** the CPU counter at the start of the current CPU window */
  cpuMark: { usageNanos: number; at: string } | null;
}

export type IdleDecision = { action: 'stop'; idleForSeconds: number; reason: string } | { action: 'wait'; remainingMs: number };

const ms = (iso: string) => Date.parse(iso);
const later = (a: string, b: string) => (ms(a) >= ms(b) ? a : b);

export function startIdleClock(containerId: string, runningSince: string, at: string): IdleClock {
  return { containerId, runningSince, quietSince: later(runningSince, at), lastActivity: 'start', lastObservedAt: null, networkBytes: null, lastLogAt: null, cpuMark: null };
}

export function observeIdle(clock: IdleClock, o: IdleObservation, t: IdleThresholds): IdleClock {
  const firstOrGap = clock.lastObservedAt === null || ms(o.at) - ms(clock.lastObservedAt) > t.maxGapMs;
  const active: IdleSignal[] = [];
  let cpuMark = firstOrGap || !clock.cpuMark || o.cpuUsageNanos < clock.cpuMark.usageNanos ? { usageNanos: o.cpuUsageNanos, at: o.at } : clock.cpuMark;
  const windowMs = ms(o.at) - ms(cpuMark.at);
  if (windowMs >= t.cpuWindowMs) {
    const percentOfCore = ((o.cpuUsageNanos - cpuMark.usageNanos) / (windowMs * 1e6)) * 100;
    if (percentOfCore > t.cpuPercentThreshold) active.push('cpu');
    cpuMark = { usageNanos: o.cpuUsageNanos, at: o.at };
  }
  if (clock.networkBytes !== null && o.networkBytes !== clock.networkBytes) active.push('network');
  // a line written before this run started (an earlier run's logs) is not activity of this run
  if (o.lastLogAt !== null && ms(o.lastLogAt) > ms(clock.runningSince) && (clock.lastLogAt === null || ms(o.lastLogAt) > ms(clock.lastLogAt))) active.push('logs');
  const base = { ...clock, lastObservedAt: o.at, networkBytes: o.networkBytes, lastLogAt: o.lastLogAt ?? clock.lastLogAt, cpuMark };
  if (active.length) return { ...base, quietSince: o.at, lastActivity: active[0]! };
  // CPU and network are measured between observations: before the first one, or over a gap, nothing was watched
  if (firstOrGap) return { ...base, quietSince: later(clock.quietSince, o.at), lastActivity: clock.lastObservedAt === null ? clock.lastActivity : 'unobserved' };
  return base;
}

export function decideIdle(clock: IdleClock, now: string, timeoutSeconds: number, t: IdleThresholds): IdleDecision {
  // an observation must be recent: without one we do not know that the agent is still quiet
  if (clock.lastObservedAt === null || ms(now) - ms(clock.lastObservedAt) > t.maxGapMs) return { action: 'wait', remainingMs: timeoutSeconds * 1000 };
  // quiet is confirmed only up to the end of the last closed CPU window
  const confirmedUntil = clock.cpuMark ? clock.cpuMark.at : clock.quietSince;
  const quietMs = Math.max(0, ms(confirmedUntil) - ms(clock.quietSince));
  if (quietMs < timeoutSeconds * 1000) return { action: 'wait', remainingMs: timeoutSeconds * 1000 - quietMs };
  const idleForSeconds = Math.floor(quietMs / 1000);
  return {
    action: 'stop',
    idleForSeconds,
    reason: `idle for ${idleForSeconds} s (timeout ${timeoutSeconds} s): CPU below ${t.cpuPercentThreshold}% of a core, no network traffic, no log output`,
  };
}
