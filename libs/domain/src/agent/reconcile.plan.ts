import { containerName } from '../container/container-spec.build';
import type { AgentState } from './agent.state';

/** What the orchestrator sees of one container when it lists Docker. */
export interface ObservedContainer {
  id: string;
  name: string;
  running: boolean;
  exitCode: number | null;
  oomKilled: boolean;
  finishedAt: string | null;
}

export type ReconcileAction =
  | { kind: 'remove'; containerId: string; why: 'duplicate' | 'agent-removed' | 'stale' }
  | { kind: 'finish-removal' }
  | { kind: 'create' }
  | { kind: 'record-created'; containerId: string; containerName: string }
  | { kind: 'start'; containerId: string }
  | { kind: 'record-started'; containerId: string }
  | { kind: 'restart'; containerId: string; restartSeq: number }
  | { kind: 'stop'; containerId: string }
  | { kind: 'record-stopped'; containerId: string; exitCode: number | null }
  | { kind: 'record-exited'; containerId: string; exitCode: number | null; oomKilled: boolean; finishedAt: string | null }
  | { kind: 'record-vanished'; containerId: string }
  | { kind: 'report-missing'; why: string };

/**
 * Compares one agent's desired state with the containers that carry its id and
 * returns the steps that converge them, in order. Level-triggered: the same inputs
 * give the same plan however often it runs, and an empty plan means converged.
 *
 * The orchestrator starts a container only when a run was asked for (deploy, start,
 * restart) and, for a scheduled restart, once it is due at `now`. A container that exits or vanishes on its own is recorded, not revived:
 * whether to restart it is the recovery policy's decision, taken with back-off.
 */
export function planReconcile(state: AgentState, containers: ObservedContainer[], now: string): ReconcileAction[] {
  if (!state.exists || state.observed === 'removed') return [];
  if (state.desired === 'removed') {
    return [...containers.map((c) => ({ kind: 'remove' as const, containerId: c.id, why: 'agent-removed' as const })), { kind: 'finish-removal' as const }];
  }

  const expectedName = state.adopted ? state.containerName : containerName(state);
  // a container of an earlier generation (the agent changed teams) is stale: it goes, and the new generation is made
  const current = containers.find((c) => c.id === state.containerId && (state.adopted || c.name === expectedName)) ?? containers.find((c) => c.name === expectedName) ?? null;
  const actions: ReconcileAction[] = containers
    .filter((c) => c !== current)
    .map((c) => ({ kind: 'remove' as const, containerId: c.id, why: c.name === expectedName ? ('duplicate' as const) : ('stale' as const) }));

  // a restart the recovery policy scheduled waits for its time; an operator's is due at once
  const restartPending = state.restartSeqRequested > state.restartSeqDone && (!state.restartDueAt || state.restartDueAt <= now);
  const runPending = state.startSeqRequested > state.startSeqDone || restartPending;

  if (!current) {
    if (state.containerId) return [...actions, { kind: 'record-vanished', containerId: state.containerId }];
    if (state.desired !== 'running' || !runPending) return actions;
    if (state.adopted)
      return [...actions, { kind: 'report-missing', why: `the adopted container ${state.containerName ?? ''} no longer exists and cannot be recreated: it has no template` }];
    return [...actions, { kind: 'create' }];
  }
  if (current.id !== state.containerId) actions.push({ kind: 'record-created', containerId: current.id, containerName: current.name });

  if (state.desired === 'running') {
    if (restartPending) actions.push({ kind: 'restart', containerId: current.id, restartSeq: state.restartSeqRequested });
    else if (current.running) {
      if (state.observed !== 'running' || current.id !== state.containerId || runPending) actions.push({ kind: 'record-started', containerId: current.id });
    } else if (runPending) actions.push({ kind: 'start', containerId: current.id });
    else if (state.observed === 'running')
      actions.push({ kind: 'record-exited', containerId: current.id, exitCode: current.exitCode, oomKilled: current.oomKilled, finishedAt: current.finishedAt });
  } else if (current.running) {
    actions.push({ kind: 'stop', containerId: current.id });
  } else if (state.observed === 'running' || state.observed === 'created' || state.observed === 'pending') {
    actions.push({ kind: 'record-stopped', containerId: current.id, exitCode: current.exitCode });
  }
  return actions;
}
