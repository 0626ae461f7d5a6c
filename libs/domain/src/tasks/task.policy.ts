import type { AgentState, DesiredState, ObservedState } from '../agent/agent.state';
import type { TaskState } from './task.state';

/** A member (or the one agent) a task could go to, as the dispatcher sees it now. */
export interface TaskCandidate {
  agentId: string;
  name: string;
  role: string | null;
  exists: boolean;
  desired: DesiredState;
  observed: ObservedState;
  /** the recovery policy gave up on it */
  recoveryAbandoned: boolean;
  /** tasks assigned to it or running on it */
  openTasks: number;
}

export type TaskPick = { agentId: string; agent: string; startsAgent: boolean; policy: string } | { agentId: null; waiting: string };

/**
 * Whether a candidate can take a task now: it exists and is not being removed, the
 * recovery policy has not given up on it, and it is running (desired and observed)
 * or stopped on purpose (idle-stopped or stopped by an operator: it is started for the
 * task). An agent meant to run whose container is not running (crashed, restarting,
 * still being created) is left out until it runs again.
 */
export function candidateProblem(c: TaskCandidate): string | null {
  if (!c.exists || c.desired === 'removed' || c.observed === 'removed') return 'removed';
  if (c.recoveryAbandoned) return 'failed (recovery abandoned)';
  if (c.desired === 'running' && c.observed !== 'running') return `not running (${c.observed})`;
  return null;
}

const isRunning = (c: TaskCandidate) => c.desired === 'running' && c.observed === 'running';

/**
 * The team policy: among the eligible members (of the role asked for), idle ones
 * first (no open task), then those with the fewest open tasks; at equal load a
 * running member before a stopped one (which must be started), one not tried before
 * for this task before one that was, then by name (a stable choice).
 */
export function pickAssignee(task: { role: string | null; triedAgentIds: readonly string[] }, candidates: readonly TaskCandidate[]): TaskPick {
  const ofRole = task.role === null ? candidates : candidates.filter((c) => c.role === task.role);
  const roleText = task.role === null ? '' : ` with role ${task.role}`;
  if (!ofRole.length) return { agentId: null, waiting: `no member${roleText}` };
  const eligible = ofRole.filter((c) => candidateProblem(c) === null);
  if (!eligible.length) return { agentId: null, waiting: `no member${roleText} can take it: ${ofRole.map((c) => `${c.name} ${candidateProblem(c)}`).join(', ')}`.slice(0, 500) };
  const tried = (c: TaskCandidate) => (task.triedAgentIds.includes(c.agentId) ? 1 : 0);
  const [best] = [...eligible].sort(
    (a, b) => a.openTasks - b.openTasks || Number(isRunning(b)) - Number(isRunning(a)) || tried(a) - tried(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const c = best!;
  const why = c.openTasks === 0 ? `idle member${roleText}` : `member${roleText} with the fewest open tasks (${c.openTasks})`;
  return { agentId: c.agentId, agent: c.name, startsAgent: !isRunning(c), policy: `${why}${isRunning(c) ? '' : ', stopped: started for the task'}` };
}

/** A task for one agent: it, when it can take the task. */
export function pickTargetAgent(c: TaskCandidate): TaskPick {
  const problem = candidateProblem(c);
  if (problem) return { agentId: null, waiting: `${c.name} is ${problem}` };
  const running = isRunning(c);
  return { agentId: c.agentId, agent: c.name, startsAgent: !running, policy: `the task's agent${running ? '' : ', stopped: started for the task'}` };
}

const removed = (a: AgentState) => !a.exists || a.desired === 'removed' || a.observed === 'removed';

/**
 * The agent holding the task died: it was removed, or (for a running attempt) its
 * container is no longer the run that accepted it: it exited, was stopped, or runs
 * again as another run (restarted). An assigned attempt whose agent is not running
 * yet waits for its accept timeout (a stopped agent is being started for it).
 */
export function taskHolderDied(s: TaskState, a: AgentState): boolean {
  if (removed(a)) return true;
  if (s.status !== 'running') return false;
  if (a.observed !== 'running') return true;
  return s.agentRunningSince !== null && a.runningSince !== s.agentRunningSince;
}

export function agentDeathReason(a: AgentState): string {
  const name = a.name || a.agentId;
  if (removed(a)) return `agent ${name} was removed`;
  if (a.observed === 'running') return `agent ${name} was restarted while it held the task`;
  return `agent ${name} ${a.observed === 'exited' ? `exited${a.lastExitCode === null ? '' : ` (code ${a.lastExitCode})`}` : `is ${a.observed}`} while it held the task`;
}
