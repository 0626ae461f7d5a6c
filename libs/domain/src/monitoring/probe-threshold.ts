/**
 * The verdict of a probe the monitor runs itself (HTTP), with Docker's HEALTHCHECK
 * semantics so a template reads the same whichever kind it declares:
 * - the first probe runs one interval after the container started;
 * - during the start period a failure does not count, a success makes it healthy;
 * - after it, `retries` failures in a row make it unhealthy;
 * - one success makes it healthy again.
 * Pure: the caller passes the time of each probe and its outcome.
 */
export interface ProbeTiming {
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  startPeriodSeconds: number;
}

export type ProbeVerdict = 'starting' | 'healthy' | 'unhealthy';

export interface ProbeState {
  /** the run being probed: a restarted container is a new run with a fresh verdict */
  containerId: string;
  runningSince: string;
  verdict: ProbeVerdict;
  failuresInARow: number;
  /** when the next probe is due (ISO) */
  nextDueAt: string;
  lastOutput: string;
}

export interface ProbeOutcome {
  ok: boolean;
  /** what the probe saw, e.g. "GET /health answered 503" */
  output: string;
  at: string;
}

export interface ProbeStep {
  state: ProbeState;
  /** set when the verdict changed to healthy or unhealthy: what to report */
  report: { status: 'healthy' | 'unhealthy'; output: string } | null;
}

const plusSeconds = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString();

export function startProbing(containerId: string, runningSince: string, timing: ProbeTiming): ProbeState {
  return { containerId, runningSince, verdict: 'starting', failuresInARow: 0, nextDueAt: plusSeconds(runningSince, timing.intervalSeconds), lastOutput: '' };
}

export const probeDue = (state: ProbeState, now: string): boolean => Date.parse(now) >= Date.parse(state.nextDueAt);

export function recordProbe(state: ProbeState, timing: ProbeTiming, outcome: ProbeOutcome): ProbeStep {
  const nextDueAt = plusSeconds(outcome.at, timing.intervalSeconds);
  if (outcome.ok) {
    const next: ProbeState = { ...state, verdict: 'healthy', failuresInARow: 0, nextDueAt, lastOutput: outcome.output };
    return { state: next, report: state.verdict === 'healthy' ? null : { status: 'healthy', output: outcome.output } };
  }
  const inStartPeriod = Date.parse(outcome.at) < Date.parse(state.runningSince) + timing.startPeriodSeconds * 1000;
  // Docker ignores failures inside the start period only while the container has not yet been healthy
  const failuresInARow = inStartPeriod && state.verdict === 'starting' ? 0 : state.failuresInARow + 1;
  const turnsUnhealthy = state.verdict !== 'unhealthy' && failuresInARow >= timing.retries;
  const next: ProbeState = { ...state, failuresInARow, verdict: turnsUnhealthy ? 'unhealthy' : state.verdict, nextDueAt, lastOutput: outcome.output };
  return {
    state: next,
    report: turnsUnhealthy ? { status: 'unhealthy', output: `${outcome.output} (${failuresInARow} failed probe${failuresInARow === 1 ? '' : 's'} in a row)` } : null,
  };
}
