import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@sacp/events';
import { evolveTask, initialTaskState, taskDueAt, taskRole, taskTeam, TASK_STREAM, type EvolvableEvent, type TaskState } from '@sacp/domain';
import type { Projection } from './projection';

/** Rank for ordering the queue: higher first. */
export const PRIORITY_RANK: Record<string, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

/**
 * One row per task: its state folded with the decider's own `evolveTask` (a replay
 * of its stream gives the same row), the columns lists filter on, and `due_at`, the
 * time the dispatcher's timer pass must look at it. An event at or below a task's
 * version was applied already (redelivery).
 */
export const tasksProjection: Projection = {
  name: 'tasks',
  async clear(tx: EntityManager): Promise<void> {
    await tx.query('delete from tasks');
  },
  async applyBatch(tx: EntityManager, events: StoredEvent[]): Promise<void> {
    const ofTasks = events.filter((e) => TASK_STREAM.test(e.streamId));
    if (!ofTasks.length) return;
    const ids = [...new Set(ofTasks.map((e) => TASK_STREAM.exec(e.streamId)![1]!))];
    const rows: { task_id: string; state: TaskState }[] = await tx.query('select task_id, state from tasks where task_id = any($1)', [ids]);
    const states = new Map(rows.map((r) => [r.task_id, r.state]));
    const changed = new Set<string>();
    for (const e of ofTasks) {
      const id = TASK_STREAM.exec(e.streamId)![1]!;
      const state = states.get(id) ?? initialTaskState(id);
      if (e.streamPosition <= state.version) continue;
      states.set(id, evolveTask(state, e as unknown as EvolvableEvent));
      changed.add(id);
    }
    const out = [...changed]
      .map((id) => states.get(id)!)
      .filter((s) => s.exists)
      .map((s) => ({
        task_id: s.taskId,
        title: s.title,
        status: s.status,
        priority_rank: PRIORITY_RANK[s.priority] ?? 1,
        team: taskTeam(s),
        role: taskRole(s),
        agent_id: s.agentId,
        parent_task_id: s.parentTaskId,
        due_at: taskDueAt(s),
        state: s,
        created_at: s.createdAt,
        updated_at: s.updatedAt,
        version: s.version,
      }));
    if (!out.length) return;
    await tx.query(
      `insert into tasks (task_id, title, status, priority_rank, team, role, agent_id, parent_task_id, due_at, state, created_at, updated_at, version)
         select * from jsonb_to_recordset($1::jsonb) as x(task_id text, title text, status text, priority_rank smallint, team text, role text,
           agent_id text, parent_task_id text, due_at timestamptz, state jsonb, created_at timestamptz, updated_at timestamptz, version int)
       on conflict (task_id) do update set title = excluded.title, status = excluded.status, priority_rank = excluded.priority_rank,
           team = excluded.team, role = excluded.role, agent_id = excluded.agent_id, parent_task_id = excluded.parent_task_id,
           due_at = excluded.due_at, state = excluded.state, updated_at = excluded.updated_at, version = excluded.version`,
      [JSON.stringify(out)],
    );
  },
};
