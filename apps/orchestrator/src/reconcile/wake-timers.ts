import type { AgentState } from '@sacp/domain';

/**
 * Wake-ups at the times the event store names: a restart the recovery policy
 * scheduled, the next attempt of a failing operation. One timer per agent of each
 * kind, rebuilt from state on every pass; the timers only make things happen on time,
 * the periodic pass is the fallback.
 */
export class WakeTimers {
  private readonly due = new Map<string, NodeJS.Timeout>();
  private readonly retry = new Map<string, NodeJS.Timeout>();

  /** `wake` reconciles the agent again (if the reconciler is still active). */
  constructor(private readonly wake: (agentId: string) => void) {}

  /** A scheduled restart not done yet: wake the agent when it is due. */
  whenDue(state: AgentState): void {
    const existing = this.due.get(state.agentId);
    if (existing) clearTimeout(existing);
    this.due.delete(state.agentId);
    if (!state.restartDueAt || state.restartSeqRequested <= state.restartSeqDone) return;
    const wait = Date.parse(state.restartDueAt) - Date.now();
    if (wait <= 0) return;
    this.due.set(
      state.agentId,
      setTimeout(() => {
        this.due.delete(state.agentId);
        this.wake(state.agentId);
      }, wait + 5),
    );
  }

  /** The next attempt of a failing operation; none once the back-off gave up (an operator's command wakes the agent). */
  forRetry(agentId: string, until: string | null, now: string): void {
    if (!until) return;
    this.retry.set(
      agentId,
      setTimeout(
        () => {
          this.retry.delete(agentId);
          this.wake(agentId);
        },
        Math.max(0, Date.parse(until) - Date.parse(now)) + 5,
      ),
    );
  }

  clearRetry(agentId: string): void {
    const t = this.retry.get(agentId);
    if (t) clearTimeout(t);
    this.retry.delete(agentId);
  }

  clear(): void {
    for (const t of [...this.due.values(), ...this.retry.values()]) clearTimeout(t);
    this.due.clear();
    this.retry.clear();
  }
}
