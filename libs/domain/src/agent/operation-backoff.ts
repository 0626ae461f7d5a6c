import { newEvent, type NewKnownEvent, type AlertRaisedDataV1, type AgentOperationFailedDataV2 } from '@sacp/events';
import type { AgentState, OperationFailureState } from './agent.state';

/** How the orchestrator retries a Docker operation that keeps failing. */
export interface OperationRetryPolicy {
  /** failed attempts after which it stops and waits for an operator */
  limit: number;
  initialMs: number;
  maxMs: number;
  multiplier: number;
}

export const DEFAULT_OPERATION_RETRY_POLICY: OperationRetryPolicy = { limit: 5, initialMs: 5_000, maxMs: 300_000, multiplier: 2 };

export type DockerOperation = AgentOperationFailedDataV2['operation'];

export interface OperationFailure {
  operation: DockerOperation;
  code: string;
  message: string;
}

/** Failures of the Docker engine itself: retried at the capped delay for as long as they last, never given up on. */
export const ENGINE_DOWN_CODES: ReadonlySet<string> = new Set(['DOCKER.UNAVAILABLE']);

/** Wait after the n-th consecutive failure: `initialMs`, then `multiplier` times more each time, never above `maxMs`. */
export function operationRetryDelay(policy: OperationRetryPolicy, failures: number): number {
  return Math.round(Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** Math.max(0, failures - 1)));
}

/** The alert's key: one open alert per agent for operations that gave up. */
export const operationAlertKey = (agentId: string) => `agent:${agentId}:operation`;

const MAX_MESSAGE = 2000;
const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

export type OperationGate = { go: true } | { go: false; until: string | null; why: string };

/**
 * May the reconciler try a Docker operation on this agent at `now`? Not before the
 * back-off's next attempt, and not at all once it gave up (an operator's start,
 * restart or stop clears that).
 */
export function operationGate(state: AgentState, now: string): OperationGate {
  const f = state.operationFailure;
  if (!f) return { go: true };
  if (f.gaveUp) return { go: false, until: null, why: `${f.operation} failed ${f.failures} times (${f.code}); waiting for an operator` };
  if (f.nextAttemptAt && f.nextAttemptAt > now) return { go: false, until: f.nextAttemptAt, why: `${f.operation} failed ${f.failures} times; next attempt at ${f.nextAttemptAt}` };
  return { go: true };
}

export interface OperationFailureDecision {
  /** events for the agent's stream */
  events: NewKnownEvent[];
  /** raised when the limit is reached */
  alert: AlertRaisedDataV1 | null;
  failures: number;
  nextAttemptAt: string | null;
}

/** Docker names endpoints and containers by hex ids that change on every attempt: they do not make a failure distinct. */
export const normalizeFailureMessage = (message: string) => message.replace(/\b[0-9a-f]{12,64}\b/g, '…');

const sameFailure = (a: OperationFailureState, b: OperationFailure) =>
  a.operation === b.operation && a.code === b.code && normalizeFailureMessage(a.message) === normalizeFailureMessage(b.message);

/**
 * What one failed attempt means, from the agent's recorded back-off and the policy.
 * Pure: `now` is an input, so a replay decides the same. A failure that happens
 * while none was due, or after the orchestrator gave up, records nothing.
 */
export function decideOperationFailure(state: AgentState, failure: OperationFailure, now: string, policy: OperationRetryPolicy): OperationFailureDecision {
  const previous = state.operationFailure;
  const none = { events: [], alert: null, failures: previous?.failures ?? 0, nextAttemptAt: previous?.nextAttemptAt ?? null };
  if (previous && !operationGate(state, now).go) return none;
  // a failure of the same kind within one streak counts on; a different one counts on too: alternating errors must not reset the limit
  const failures = (previous?.failures ?? 0) + 1;
  // an engine that is down is not this agent's fault nor an operator's decision per agent: keep trying, at the longest delay
  const gaveUp = failures >= policy.limit && !ENGINE_DOWN_CODES.has(failure.code);
  const nextAttemptAt = gaveUp ? null : new Date(Date.parse(now) + operationRetryDelay(policy, failures)).toISOString();
  // Docker's messages are unbounded; events and alerts are not
  const message = clip(failure.message, MAX_MESSAGE);
  const data: AgentOperationFailedDataV2 = { agentId: state.agentId, operation: failure.operation, code: failure.code, message, failures, limit: policy.limit, nextAttemptAt };
  const events = [newEvent('agent.operation_failed', data)];
  const alert: AlertRaisedDataV1 | null = gaveUp
    ? {
        key: operationAlertKey(state.agentId),
        severity: 'critical',
        agentId: state.agentId,
        agentName: state.name,
        cause: 'operation_failed',
        message: `${state.name}: Docker ${failure.operation} failed ${failures} times in a row (${failure.code}: ${clip(message, 500)}); automatic attempts stopped: fix the cause, then start, restart or stop the agent`,
        lastLogLines: [],
      }
    : null;
  return { events, alert, failures, nextAttemptAt };
}

/** Whether a new failure is the one already recorded (for logs and status: the count goes on either way). */
export const isSameFailure = (state: AgentState, failure: OperationFailure) => !!state.operationFailure && sameFailure(state.operationFailure, failure);

/**
 * The agent reached what was asked after an operation had given up: the alert that
 * said so is resolved in the same append as the events that show it. `after` is the
 * state those events lead to.
 */
export function operationAlertResolution(before: AgentState, after: AgentState): { key: string; agentId: string; message: string } | null {
  if (!before.operationAlertOpen || after.operationAlertOpen) return null;
  return {
    key: operationAlertKey(before.agentId),
    agentId: before.agentId,
    message: `${before.name} is ${after.observed === 'removed' ? 'removed' : after.observed} again: the failing Docker operation went through`,
  };
}
