import type { RecoveryCause } from '@sacp/events';
import type { AgentState } from '../agent/agent.state';
import type { Template } from '../templates/template.schema';

export type RestartPolicy = Template['restartPolicy'];

export type RecoveryDecision =
  { action: 'restart'; attempt: number; delayMs: number; why: string } | { action: 'abandon'; attempts: number; why: string } | { action: 'none'; why: string };

/** What a container's end means, from its exit code and Docker's OOM flag. */
export function classifyExit(exitCode: number | null, oomKilled: boolean): { kind: RecoveryCause['kind']; detail: string } {
  if (oomKilled) return { kind: 'oom_killed', detail: `exit ${exitCode ?? '?'}, killed by the kernel for exceeding its memory limit` };
  if (exitCode === 0) return { kind: 'exited', detail: 'exit 0: the agent ended, or was stopped outside the control plane' };
  return { kind: 'crashed', detail: `exit ${exitCode ?? 'unknown'}` };
}

/** Exponential back-off with jitter and a cap: attempt 1 waits `initialMs`, each next one `multiplier` times more. */
export function backoffDelay(policy: RestartPolicy, attempt: number, random: number): number {
  const { initialMs, maxMs, multiplier, jitter } = policy.backoff;
  const base = Math.min(maxMs, initialMs * multiplier ** (attempt - 1));
  const spread = 1 + jitter * (random * 2 - 1);
  return Math.max(0, Math.round(Math.min(maxMs, base * spread)));
}

/**
 * Decides what to do about a failure of an agent, from the agent's recorded state
 * and its template's restart policy. Pure: the time and the random draw are inputs,
 * so a replay decides the same.
 *
 * Attempts count the restarts scheduled within the policy's window, and start from
 * zero again once the agent had run for `resetAfterSeconds` before this failure.
 */
export function decideRecovery(
  state: AgentState,
  policy: RestartPolicy,
  cause: RecoveryCause,
  failedAt: string,
  runningSinceBeforeFailure: string | null,
  random: number,
): RecoveryDecision {
  if (!state.exists || state.desired !== 'running') return { action: 'none', why: `the agent is meant to be ${state.desired}` };
  if (state.recoveryAbandoned) return { action: 'none', why: 'recovery was abandoned; an operator must start the agent' };
  if (state.lastRecoveryCauseId === cause.eventId) return { action: 'none', why: 'this failure was answered already' };
  if (policy.mode === 'never') return { action: 'none', why: 'the restart policy is "never"' };
  if (policy.mode === 'on-failure' && cause.kind === 'exited') return { action: 'none', why: 'exit 0 is not a failure under "on-failure"' };

  const now = Date.parse(failedAt);
  const windowStart = now - policy.windowSeconds * 1000;
  const healthyRun = runningSinceBeforeFailure !== null && now - Date.parse(runningSinceBeforeFailure) >= policy.resetAfterSeconds * 1000;
  const resetPoint = healthyRun ? Date.parse(runningSinceBeforeFailure) : -Infinity;
  const attemptsSoFar = state.restartHistory.filter((at) => {
    const t = Date.parse(at);
    return t >= windowStart && t >= resetPoint;
  }).length;

  if (attemptsSoFar >= policy.maxAttempts)
    return { action: 'abandon', attempts: attemptsSoFar, why: `${attemptsSoFar} restarts within ${policy.windowSeconds} s reached the limit of ${policy.maxAttempts}` };
  const attempt = attemptsSoFar + 1;
  const delayMs = backoffDelay(policy, attempt, random);
  return { action: 'restart', attempt, delayMs, why: `attempt ${attempt} of ${policy.maxAttempts} after ${cause.detail}` };
}
