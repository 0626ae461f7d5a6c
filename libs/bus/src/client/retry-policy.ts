import type { WireError } from '@sacp/events';
import { isTransientBusError, type BusError } from '../bus.errors';

/**
 * How long a client keeps trying when the bus does not deliver, and how it paces the
 * attempts. Every client retries the same way (see `retrying`); they differ only in
 * these numbers: a one-shot CLI does not wait at all, a bot with a user watching waits
 * half a minute, the monitor a little longer in the background.
 *
 * Retrying is safe because a command keeps its id across attempts: the orchestrator
 * answers a repeated id with the first outcome, so nothing runs twice.
 */
export interface RetryPolicy {
  /** how long after the first attempt the last one may start; 0 makes one attempt only */
  windowMs: number;
  /** the pause after the first failed attempt, doubled after each further one ... */
  initialDelayMs: number;
  /** ... up to this */
  maxDelayMs: number;
  /** replies that say "nothing was done, ask again" (e.g. STORE.UNAVAILABLE): retried like a bus failure */
  retryReplyCodes?: readonly string[];
}

/** One attempt, no retry: for tools that report at once and let the user decide. */
export const NO_RETRY: RetryPolicy = Object.freeze({ windowMs: 0, initialDelayMs: 0, maxDelayMs: 0 });

/** Keeps trying for `windowMs`: the first pause 250 ms, doubling up to 2 s. */
export const retryFor = (windowMs: number, pacing: Partial<Omit<RetryPolicy, 'windowMs'>> = {}): RetryPolicy => ({
  windowMs,
  initialDelayMs: 250,
  maxDelayMs: 2000,
  ...pacing,
});

export interface RetryHooks<T> {
  /** a delivered answer that still means "ask again": the problem it names, or null when it stands */
  again?: (value: T) => WireError | null;
  /** called once, when the first attempt failed and another will follow (e.g. to tell a waiting user) */
  onWaiting?: (problem: WireError) => void | Promise<void>;
  /** called before every pause */
  onRetry?: (problem: WireError, attempt: number) => void;
}

/**
 * What became of the attempts: a value (possibly the last "ask again" answer, when the
 * window closed on it), or the last bus failure, with how many attempts were made and
 * whether any of them timed out (then the request may have been carried out after all).
 */
export type RetryOutcome<T> = { delivered: true; value: T; attempts: number } | { delivered: false; error: BusError; attempts: number; timedOut: boolean };

/**
 * Runs `attempt` under the policy. A transient bus failure (see TRANSIENT_BUS_CODES) and
 * an answer `again` objects to are tried again after a pause; anything else thrown
 * (a refused credential, an oversized request, a bug) is thrown at once. The last
 * attempt starts at the window's end, so the whole window is tried, not only the part
 * whole pauses fit in.
 */
export async function retrying<T>(policy: RetryPolicy, attempt: () => Promise<T>, hooks: RetryHooks<T> = {}): Promise<RetryOutcome<T>> {
  const deadline = Date.now() + policy.windowMs;
  let delay = policy.initialDelayMs;
  let told = false;
  let timedOut = false;
  for (let n = 1; ; n++) {
    let problem: WireError;
    let last: { value: T } | { error: BusError };
    try {
      const value = await attempt();
      const objection = hooks.again?.(value) ?? null;
      if (!objection) return { delivered: true, value, attempts: n };
      problem = objection;
      last = { value };
    } catch (err) {
      if (!isTransientBusError(err)) throw err;
      if (err.code === 'BUS.TIMEOUT') timedOut = true;
      problem = { code: err.code, message: err.message };
      last = { error: err };
    }
    const left = deadline - Date.now();
    if (left <= 0) return 'value' in last ? { delivered: true, value: last.value, attempts: n } : { delivered: false, error: last.error, attempts: n, timedOut };
    hooks.onRetry?.(problem, n);
    if (!told && hooks.onWaiting) {
      told = true;
      await Promise.resolve(hooks.onWaiting(problem)).catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - Date.now()))));
    delay = Math.min(delay * 2, policy.maxDelayMs);
  }
}
