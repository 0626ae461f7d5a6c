import { ErrorCodes, newEvent, type NewKnownEvent, type TaskAttemptCause, type TaskCreatedDataV1 } from '@sacp/events';
import type { StreamAppend } from '../agent/agent.decide';
import { DomainError } from '../domain-error';
import { isTaskFinal, isTaskHeld, taskStreamId, type TaskState } from './task.state';

/** What the dispatcher and the front doors ask of a task. Times are given (`now`): the domain has no clock. */
export type TaskCommand =
  | { type: 'create'; data: TaskCreatedDataV1 }
  | { type: 'cancel' }
  | { type: 'assign'; agentId: string; agent: string; policy: string; startsAgent: boolean; now: string; acceptTimeoutMs: number }
  | { type: 'accept'; agentId: string; attempt: number; now: string; agentRunningSince: string | null }
  | { type: 'refuse'; agentId: string; attempt: number; reason: string }
  | { type: 'progress'; agentId: string; attempt: number; percent: number | null; message: string; reportId: string; now: string }
  | { type: 'succeed'; agentId: string; attempt: number; result: Record<string, unknown>; reportId: string; now: string }
  | { type: 'fail'; agentId: string; attempt: number; reason: string; reportId: string }
  /** the agent holding the task died (or cannot take it any more) */
  | { type: 'agent_died'; agentId: string; reason: string; cause?: 'agent_died' | 'agent_unavailable' }
  /** a timer pass: ends what is overdue at `now` */
  | { type: 'expire'; now: string }
  /** a queued task no agent can ever take (its agent or team is gone): failed with the reason */
  | { type: 'give_up'; reason: string };

export interface TaskDecision {
  appends: StreamAppend[];
  changed: boolean;
}

const ms = (iso: string) => Date.parse(iso);
const seconds = (n: number) => `${Math.round(n / 100) / 10} s`;

const stale = (s: TaskState, agentId: string, attempt: number) =>
  new DomainError(
    ErrorCodes.TASK_STALE_ATTEMPT,
    `attempt ${attempt} of task ${s.taskId} is not this agent's current one (the task is ${s.status}${s.attempt ? `, attempt ${s.attempt} with ${s.agent ?? s.agentId}` : ''}); drop that work`,
    { taskId: s.taskId, attempt, current: s.attempt, status: s.status, agentId },
  );

/** A report is about the current attempt of the agent holding the task, or it is stale. */
function requireCurrent(s: TaskState, agentId: string, attempt: number): void {
  if (!s.exists) throw new DomainError(ErrorCodes.TASK_NOT_FOUND, `no task ${s.taskId}`, { taskId: s.taskId });
  if (!isTaskHeld(s) || s.agentId !== agentId || s.attempt !== attempt) throw stale(s, agentId, attempt);
}

/**
 * The current attempt ends without a result: queued again for another attempt while
 * some are left and the deadline has not passed, else failed for good with the reason.
 */
function endAttempt(s: TaskState, cause: TaskAttemptCause, reason: string, now: string | null): NewKnownEvent[] {
  const deadlinePassed = s.deadline !== null && now !== null && ms(now) >= ms(s.deadline);
  const retry = s.attempt < s.maxAttempts && !deadlinePassed && cause !== 'deadline';
  const agentId = s.agentId!;
  const finalReason = `attempt ${s.attempt} of ${s.maxAttempts}: ${reason}${deadlinePassed && cause !== 'deadline' ? ' (and the deadline has passed)' : ''}`;
  const ended: NewKnownEvent =
    cause === 'agent_died' && retry
      ? newEvent('task.requeued', { taskId: s.taskId, agentId, attempt: s.attempt, reason })
      : newEvent('task.attempt_failed', { taskId: s.taskId, agentId, attempt: s.attempt, cause, reason, next: retry ? 'retry' : 'fail' });
  return retry ? [ended] : [ended, newEvent('task.failed', { taskId: s.taskId, reason: finalReason.slice(0, 1000), attempts: s.attempt })];
}

/** Decides a command on one task's stream. Pure. */
export function decideTask(command: TaskCommand, s: TaskState): TaskDecision {
  const on = (events: NewKnownEvent[]): TaskDecision =>
    events.length ? { appends: [{ streamId: taskStreamId(s.taskId), expectedVersion: s.version, events }], changed: true } : { appends: [], changed: false };
  if (command.type === 'create') {
    if (s.exists) throw new DomainError(ErrorCodes.TASK_EXISTS, `a task with id ${s.taskId} exists already; send the task without a taskId`, { taskId: s.taskId });
    return on([newEvent('task.created', command.data)]);
  }
  if (!s.exists) throw new DomainError(ErrorCodes.TASK_NOT_FOUND, `no task ${s.taskId}; list the tasks with: sacp task list`, { taskId: s.taskId });
  switch (command.type) {
    case 'cancel':
      if (isTaskFinal(s)) return on([]);
      return on([newEvent('task.cancelled', { taskId: s.taskId, agentId: isTaskHeld(s) ? s.agentId : null, attempt: s.attempt })]);
    case 'assign': {
      if (s.status !== 'queued') return on([]);
      const acceptDueAt = new Date(ms(command.now) + command.acceptTimeoutMs).toISOString();
      const data = {
        taskId: s.taskId,
        agentId: command.agentId,
        agent: command.agent,
        attempt: s.attempt + 1,
        policy: command.policy.slice(0, 500),
        acceptDueAt,
        startsAgent: command.startsAgent,
      };
      return on([newEvent('task.assigned', data)]);
    }
    case 'accept': {
      if (s.status === 'running' && s.agentId === command.agentId && s.attempt === command.attempt) return on([]);
      requireCurrent(s, command.agentId, command.attempt);
      const data = { taskId: s.taskId, agentId: command.agentId, attempt: command.attempt, runDueAt: runDueAt(s, command.now), agentRunningSince: command.agentRunningSince };
      return on([newEvent('task.accepted', data)]);
    }
    case 'refuse':
      requireCurrent(s, command.agentId, command.attempt);
      return on(endAttempt(s, 'refused', `${s.agent ?? command.agentId} refused it: ${command.reason}`, null));
    case 'progress': {
      requireCurrent(s, command.agentId, command.attempt);
      if (s.reportIds.includes(command.reportId)) return on([]);
      const { agentId, attempt, percent, message, reportId } = command;
      return on([
        ...implicitAccept(s, command.agentId, command.now),
        newEvent('task.progressed', { taskId: s.taskId, agentId, attempt, percent, message: message.slice(0, 1000), reportId }),
      ]);
    }
    case 'succeed': {
      if (s.status === 'succeeded' && s.agentId === command.agentId && s.attempt === command.attempt) return on([]);
      requireCurrent(s, command.agentId, command.attempt);
      const { agentId, attempt, result, reportId } = command;
      return on([...implicitAccept(s, agentId, command.now), newEvent('task.succeeded', { taskId: s.taskId, agentId, attempt, result, reportId })]);
    }
    case 'fail': {
      if (s.reportIds.includes(command.reportId)) return on([]);
      const last = s.attempts[s.attempts.length - 1];
      // the same failure reported again after it was recorded (a lost reply): nothing more to do
      if (!isTaskHeld(s) && last && last.attempt === command.attempt && last.agentId === command.agentId && last.outcome === 'failed') return on([]);
      requireCurrent(s, command.agentId, command.attempt);
      return on(endAttempt(s, 'failed', command.reason.slice(0, 800), null));
    }
    case 'agent_died':
      if (!isTaskHeld(s) || s.agentId !== command.agentId) return on([]);
      return on(endAttempt(s, command.cause ?? 'agent_died', command.reason.slice(0, 800), null));
    case 'expire':
      return on(expire(s, command.now));
    case 'give_up':
      if (s.status !== 'queued') return on([]);
      return on([newEvent('task.failed', { taskId: s.taskId, reason: command.reason.slice(0, 1000), attempts: s.attempt })]);
  }
}

/** A report of progress or a result before the acceptance was recorded (the offer's reply was lost) accepts the attempt first. */
function implicitAccept(s: TaskState, agentId: string, now: string): NewKnownEvent[] {
  if (s.status !== 'assigned') return [];
  return [newEvent('task.accepted', { taskId: s.taskId, agentId, attempt: s.attempt, runDueAt: runDueAt(s, now), agentRunningSince: null })];
}

/** An attempt accepted at `now` must finish within the task's timeout, and by its deadline. */
function runDueAt(s: TaskState, now: string): string {
  const byTimeout = ms(now) + s.timeoutMs;
  return new Date(s.deadline === null ? byTimeout : Math.min(byTimeout, ms(s.deadline))).toISOString();
}

function expire(s: TaskState, now: string): NewKnownEvent[] {
  const t = ms(now);
  if (s.status === 'queued' && s.deadline !== null && t >= ms(s.deadline))
    return [newEvent('task.failed', { taskId: s.taskId, reason: `the deadline ${s.deadline} passed before the task was done`, attempts: s.attempt })];
  if (s.status === 'assigned' && s.acceptDueAt !== null && t >= ms(s.acceptDueAt))
    return endAttempt(s, 'accept_timeout', `${s.agent ?? s.agentId} did not accept it in time (due ${s.acceptDueAt})`, now);
  if (s.status === 'running' && s.runDueAt !== null && t >= ms(s.runDueAt)) {
    const byDeadline = s.deadline !== null && ms(s.runDueAt) >= ms(s.deadline);
    return byDeadline
      ? endAttempt(s, 'deadline', `the deadline ${s.deadline} passed while ${s.agent ?? s.agentId} worked on it`, now)
      : endAttempt(s, 'run_timeout', `no result from ${s.agent ?? s.agentId} within ${seconds(s.timeoutMs)} (timeout)`, now);
  }
  return [];
}
