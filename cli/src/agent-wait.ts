import type { AgentStatusView } from '@sacp/events';
import type { BusClient } from '@sacp/bus';
import { CliError, ExitCode, refused } from './errors';

const POLL_INTERVAL_MS = 200;

/** One poll's verdict: keep waiting (undefined), done, or failed with a reason. */
export type WaitVerdict = { done: true } | { failed: string } | undefined;

/** The agent as status reports it, or `gone` when it no longer resolves at all. */
export type Observation = { view: AgentStatusView } | { gone: true } | { pending: true };

export type WaitOutcome =
  { kind: 'done'; view: AgentStatusView | null } | { kind: 'failed'; view: AgentStatusView | null; reason: string } | { kind: 'timeout'; view: AgentStatusView | null };

/** Reads one agent's status; "not yet projected" and "no longer exists" are answers, not errors. */
export async function observeAgent(bus: BusClient, agentId: string): Promise<Observation> {
  const reply = await bus.query('agent.status', { agent: agentId });
  if (!reply.ok) {
    if (reply.error.code === 'AGENT.NOT_FOUND') return { gone: true };
    throw refused(reply.error, 'status');
  }
  // the command is recorded; the read model follows a moment later
  return reply.result[0] ? { view: reply.result[0] } : { pending: true };
}

/**
 * Polls the agent's status every 200 ms until `check` decides, or the deadline passes.
 * Level-triggered like the orchestrator: it looks at the state, not at events.
 */
export async function waitForAgent(
  bus: BusClient,
  agentId: string,
  deadline: number,
  check: (o: Observation) => WaitVerdict,
  progress: (line: string) => void = () => undefined,
): Promise<WaitOutcome> {
  let last: AgentStatusView | null = null;
  let shown = '';
  for (;;) {
    const o = await observeAgent(bus, agentId);
    if ('view' in o) {
      last = o.view;
      const state = `${o.view.name}: ${o.view.state.observed}`;
      if (state !== shown) progress(`  ${state}\n`);
      shown = state;
    }
    const verdict = check(o);
    if (verdict && 'done' in verdict) return { kind: 'done', view: last };
    if (verdict && 'failed' in verdict) return { kind: 'failed', view: last, reason: verdict.failed };
    if (Date.now() + POLL_INTERVAL_MS > deadline) return { kind: 'timeout', view: last };
    await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
  }
}

/** The agent's last error, if it is new since `before` (a stale error from an earlier run does not count). */
export function newError(view: AgentStatusView, before: AgentStatusView | null): string | null {
  const e = view.lastError;
  if (!e) return null;
  const old = before?.lastError;
  if (old && old.at === e.at && old.code === e.code && old.message === e.message) return null;
  return `${e.code}: ${e.message} (while trying to ${e.operation})`;
}

export const describeState = (view: AgentStatusView | null): string =>
  view ? `desired ${view.state.desired}, observed ${view.state.observed}` : 'not yet visible in the registry';

/** Turns a failed or timed-out wait into the error the user sees (exit 1). */
export function waitFailure(outcome: Exclude<WaitOutcome, { kind: 'done' }>, agent: string, goal: string, timeoutMs: number): CliError {
  if (outcome.kind === 'failed')
    return new CliError(`agent "${agent}" did not become ${goal}: ${outcome.reason}`, ExitCode.FAILED, outcome.view?.lastError?.code ?? 'AGENT.FAILED');
  return new CliError(
    `WAIT.TIMEOUT: agent "${agent}" is not ${goal} after ${timeoutMs / 1000} s (${describeState(outcome.view)}). The command was accepted and may still complete: check with "sacp status ${agent}", or wait longer with --timeout`,
    ExitCode.FAILED,
    'WAIT.TIMEOUT',
  );
}
