import { Injectable } from '@nestjs/common';
import { DomainError, evolveTask, initialTaskState, taskStreamId, type EvolvableEvent, type TaskState } from '@sacp/domain';
import { EventStore } from '@sacp/event-store';
import { ErrorCodes } from '@sacp/events';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads tasks from their streams: the state every task decision is based on. */
@Injectable()
export class TaskLocator {
  constructor(private readonly store: EventStore) {}

  /** The task's state, existing or not. */
  async load(taskId: string): Promise<TaskState> {
    if (!UUID.test(taskId)) throw taskNotFound(taskId);
    const events = await this.store.readStream(taskStreamId(taskId));
    return events.reduce((s, e) => evolveTask(s, e as unknown as EvolvableEvent), initialTaskState(taskId));
  }

  /** An existing task, or TASK.NOT_FOUND. */
  async resolve(taskId: string): Promise<TaskState> {
    const state = await this.load(taskId);
    if (!state.exists) throw taskNotFound(taskId);
    return state;
  }
}

export const taskNotFound = (taskId: string) => new DomainError(ErrorCodes.TASK_NOT_FOUND, `no task ${taskId}; list the tasks with: sacp task list`, { taskId });
