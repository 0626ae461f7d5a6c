import type { Actor, TemplateRef } from '@sacp/events';

export type DesiredState = 'running' | 'stopped' | 'removed';
/** What the control plane last saw of the container. */
export type ObservedState = 'none' | 'pending' | 'created' | 'running' | 'stopped' | 'exited' | 'absent' | 'removed';

export interface AgentState {
  exists: boolean;
  agentId: string;
  name: string;
  template: TemplateRef | null;
  /** the team it belongs to (its name) and its role there; absent in states folded before teams existed */
  team?: string | null;
  teamRole?: string | null;
  adopted: boolean;
  generation: number;
  desired: DesiredState;
  observed: ObservedState;
  containerId: string | null;
  containerName: string | null;
  lastExitCode: number | null;
  /** runs asked for (deploy, start) and runs carried out: a container that exits on its own is not started again unless asked */
  startSeqRequested: number;
  startSeqDone: number;
  restartSeqRequested: number;
  restartSeqDone: number;
  lastOomKilled: boolean;
  /** when a restart asked for by the recovery policy is due; null when none waits */
  restartDueAt: string | null;
  /** times restarts were scheduled by the recovery policy (newest last, at most 50) */
  restartHistory: string[];
  /** the failure the last scheduled restart answered: a second report of it changes nothing */
  lastRecoveryCauseId: string | null;
  /** the policy gave up; cleared by an operator's start, restart or deploy */
  recoveryAbandoned: boolean;
  health: 'unknown' | 'healthy' | 'unhealthy';
  /** since when the current container has run; null while it does not */
  runningSince: string | null;
  restarts: number;
  lastError: { operation: string; code: string; message: string; at: string } | null;
  /** a Docker operation that keeps failing and its back-off; null once one succeeds or an operator acts */
  operationFailure: OperationFailureState | null;
  /** an alert about a failing operation was raised and is resolved when the agent next reaches its desired state */
  operationAlertOpen: boolean;
  /** the removal asked for takes the agent's volumes too (`rm --volumes`) */
  removeVolumes: boolean;
  /** who asked for the removal (from the request's metadata), for the volumes' removal records */
  removeRequestedBy: Actor | null;
  createdAt: string | null;
  updatedAt: string | null;
  /** number of events in the agent's stream: the version the next append expects */
  version: number;
}

export function initialAgentState(agentId = ''): AgentState {
  return {
    exists: false,
    agentId,
    name: '',
    template: null,
    team: null,
    teamRole: null,
    adopted: false,
    generation: 0,
    desired: 'stopped',
    observed: 'none',
    containerId: null,
    containerName: null,
    lastExitCode: null,
    startSeqRequested: 0,
    startSeqDone: 0,
    restartSeqRequested: 0,
    restartSeqDone: 0,
    lastOomKilled: false,
    restartDueAt: null,
    restartHistory: [],
    lastRecoveryCauseId: null,
    recoveryAbandoned: false,
    health: 'unknown',
    runningSince: null,
    restarts: 0,
    lastError: null,
    operationFailure: null,
    operationAlertOpen: false,
    removeVolumes: false,
    removeRequestedBy: null,
    createdAt: null,
    updatedAt: null,
    version: 0,
  };
}

/** Where the back-off of a failing Docker operation stands. */
export interface OperationFailureState {
  operation: string;
  code: string;
  message: string;
  /** consecutive failed attempts */
  failures: number;
  limit: number | null;
  firstAt: string;
  lastAt: string;
  /** not before this time; null: at once (a version 1 record) or never (gave up) */
  nextAttemptAt: string | null;
  /** the limit was reached: nothing is tried until an operator acts */
  gaveUp: boolean;
}

/** The name stream: who holds an agent name right now. */
export interface AgentNameState {
  holder: string | null;
  version: number;
}
export const initialAgentNameState = (): AgentNameState => ({ holder: null, version: 0 });

export const agentStreamId = (agentId: string) => `agent-${agentId}`;
export const agentNameStreamId = (name: string) => `agent-name-${name}`;
export const templateStreamId = (name: string) => `template-${name}`;
export const alertStreamId = (key: string) => `alert-${key}`;

/** An alert's stream: open or not, and whether an operator acknowledged the open one. */
export interface AlertState {
  open: boolean;
  version: number;
  /** the open alert was acknowledged (absent: not) */
  acknowledged?: boolean;
}
