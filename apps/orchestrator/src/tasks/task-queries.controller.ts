import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError } from '@sacp/domain';
import { TaskRepository } from '@sacp/event-store';
import { ErrorCodes, Limits, Subjects, TASK_PAGE_MAX, decodeCursor, encodeCursor, fitPage, type QueryReply } from '@sacp/events';
import { QueryHandlers } from '../bus/handlers.decorator';
import { QueryPipe, type QueryOf } from '../bus/query.pipe';
import { AgentLocator } from '../commands/agent-locator';
import { taskNotFound } from './task-locator';
import { taskDetailView, taskView } from './task-view';

interface TaskCursor extends Record<string, unknown> {
  /** created_at and task id of the last task of the previous page */
  c: string;
  t: string;
  /** the filters the cursor was handed out for */
  f: string;
}

/** task.list and task.get, answered by any replica from the tasks read model. */
@QueryHandlers()
export class TaskQueriesController {
  constructor(
    private readonly repository: TaskRepository,
    private readonly agents: AgentLocator,
  ) {}

  @MessagePattern(Subjects.query('task.list'))
  async list(@Payload(new QueryPipe('task.list')) q: QueryOf<'task.list'>): Promise<QueryReply> {
    const filters = JSON.stringify([q.team ?? null, q.agent ?? null, q.status ?? null]);
    let after: { createdAt: string; taskId: string } | undefined;
    if (q.cursor) {
      const c = decodeCursor<TaskCursor>('task.list', q.cursor);
      if (!c || c.f !== filters || typeof c.c !== 'string' || typeof c.t !== 'string' || Number.isNaN(Date.parse(c.c)))
        throw new DomainError(ErrorCodes.QUERY_CURSOR_INVALID, 'this cursor is not one task.list handed out for these filters; start again without a cursor');
      after = { createdAt: c.c, taskId: c.t };
    }
    const agentId = q.agent === undefined ? undefined : (await this.agents.resolveId(q.agent)).agentId;
    const size = q.pageSize ?? TASK_PAGE_MAX;
    const states = await this.repository.list({ team: q.team, agentId, status: q.status, after, limit: size + 1 });
    const views = states.map(taskView);
    const n = fitPage(views, size, Limits.PAGE_MAX_BYTES);
    const result = views.slice(0, n);
    const last = result[n - 1];
    return { ok: true, result, ...(views.length > n && last ? { nextCursor: encodeCursor('task.list', { c: last.createdAt, t: last.taskId, f: filters }) } : {}) };
  }

  @MessagePattern(Subjects.query('task.get'))
  async get(@Payload(new QueryPipe('task.get')) q: QueryOf<'task.get'>): Promise<QueryReply> {
    const state = await this.repository.get(q.taskId);
    if (!state) throw taskNotFound(q.taskId);
    return { ok: true, result: taskDetailView(state) };
  }
}
