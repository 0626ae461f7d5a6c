import { Injectable } from '@nestjs/common';
import { decideTask, type TaskCommand, type TaskState } from '@sacp/domain';
import { ConcurrencyError, EventStore } from '@sacp/event-store';
import type { Actor, EventMetadata, StoredEvent } from '@sacp/events';
import { TaskLocator } from './task-locator';

export interface TaskWriteMeta {
  actor: Actor;
  source: string;
  causationId?: string | null;
  reason?: string | null;
}

export interface TaskWrite {
  /** the state the decision was taken on */
  before: TaskState;
  /** what was appended (empty when the decision changed nothing) */
  events: StoredEvent[];
}

const CONFLICT_RETRIES = 5;

/**
 * Decides a task command on the task's stream as it is now and appends the outcome,
 * deciding again on a concurrency conflict (another writer got there first). The
 * command is built from the fresh state (`command(state)`; null: nothing to do).
 */
@Injectable()
export class TaskWriter {
  constructor(
    private readonly store: EventStore,
    private readonly tasks: TaskLocator,
  ) {}

  async write(taskId: string, command: (s: TaskState) => TaskCommand | null, meta: TaskWriteMeta): Promise<TaskWrite> {
    for (let attempt = 1; ; attempt++) {
      const before = await this.tasks.resolve(taskId);
      const c = command(before);
      if (!c) return { before, events: [] };
      const decision = decideTask(c, before);
      if (!decision.changed) return { before, events: [] };
      try {
        const out = await this.store.append(decision.appends, this.metadata(before, meta));
        return { before, events: out.duplicate ? [] : out.events };
      } catch (err) {
        if (!(err instanceof ConcurrencyError) || attempt >= CONFLICT_RETRIES) throw err;
      }
    }
  }

  private metadata(s: TaskState, meta: TaskWriteMeta): EventMetadata {
    return {
      commandId: null,
      correlationId: s.taskId,
      causationId: meta.causationId ?? null,
      actor: meta.actor,
      source: meta.source,
      reason: meta.reason ?? null,
      occurredAt: new Date().toISOString(),
    };
  }
}
