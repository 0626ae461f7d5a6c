import type { DataSource } from 'typeorm';
import { initialAgentState, type AgentState, type TaskState } from '@sacp/domain';

export interface TaskListFilter {
  team?: string;
  agentId?: string;
  status?: string;
  /** the page starts after this (created_at, task_id), newest first */
  after?: { createdAt: string; taskId: string };
  limit: number;
}

/** Reads the tasks read model (migration 016): lists, the dispatcher's queue, open tasks per agent and due timers. */
export class TaskRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(f: TaskListFilter): Promise<TaskState[]> {
    const rows: { state: TaskState }[] = await this.dataSource.query(
      `select state from tasks
        where ($1::text is null or team = $1) and ($2::text is null or agent_id = $2) and ($3::text is null or status = $3)
          and ($4::timestamptz is null or (created_at, task_id) < ($4::timestamptz, $5::text))
        order by created_at desc, task_id desc limit $6`,
      [f.team ?? null, f.agentId ?? null, f.status ?? null, f.after?.createdAt ?? null, f.after?.taskId ?? null, f.limit],
    );
    return rows.map((r) => r.state);
  }

  async get(taskId: string): Promise<TaskState | null> {
    const rows: { state: TaskState }[] = await this.dataSource.query('select state from tasks where task_id = $1', [taskId]);
    return rows[0]?.state ?? null;
  }

  /** Queued tasks, most urgent first, then oldest first. */
  async queued(limit: number): Promise<string[]> {
    const rows: { task_id: string }[] = await this.dataSource.query(`select task_id from tasks where status = 'queued' order by priority_rank desc, created_at, task_id limit $1`, [
      limit,
    ]);
    return rows.map((r) => r.task_id);
  }

  /** Tasks held by an agent (assigned or running): the dispatcher checks their agents are alive. */
  async held(limit: number): Promise<TaskState[]> {
    const rows: { state: TaskState }[] = await this.dataSource.query(`select state from tasks where status in ('assigned', 'running') order by updated_at limit $1`, [limit]);
    return rows.map((r) => r.state);
  }

  /** Tasks whose timer is due at `now`. */
  async due(now: Date, limit: number): Promise<string[]> {
    const rows: { task_id: string }[] = await this.dataSource.query(
      `select task_id from tasks where due_at is not null and due_at <= $1 and status in ('queued', 'assigned', 'running') order by due_at limit $2`,
      [now.toISOString(), limit],
    );
    return rows.map((r) => r.task_id);
  }

  /** The earliest timer not yet due, if any: the dispatcher sleeps until then at most. */
  async nextDue(): Promise<Date | null> {
    const rows: { due: Date | null }[] = await this.dataSource.query(
      `select min(due_at) as due from tasks where due_at is not null and status in ('queued', 'assigned', 'running')`,
    );
    return rows[0]?.due ? new Date(rows[0].due) : null;
  }

  /** Open tasks (queued, assigned or running) of one agent or one team. */
  async countOpen(of: { agentId: string } | { team: string }): Promise<number> {
    const [column, value] = 'agentId' in of ? ['agent_id', of.agentId] : ['team', of.team];
    const rows: { n: string }[] = await this.dataSource.query(`select count(*) as n from tasks where ${column} = $1 and status in ('queued', 'assigned', 'running')`, [value]);
    return Number(rows[0]?.n ?? 0);
  }

  /** An agent's folded state from the agent registry read model (an agent it has no row for: not existing). */
  async agentState(agentId: string): Promise<AgentState> {
    const rows: { state: AgentState }[] = await this.dataSource.query('select state from agent_registry where agent_id = $1', [agentId]);
    return rows[0]?.state ?? initialAgentState(agentId);
  }

  /** The attempt number the read model shows for each task given. */
  async attempts(taskIds: string[]): Promise<Map<string, number>> {
    if (!taskIds.length) return new Map();
    const rows: { task_id: string; attempt: number }[] = await this.dataSource.query(`select task_id, (state->>'attempt')::int as attempt from tasks where task_id = any($1)`, [
      taskIds,
    ]);
    return new Map(rows.map((r) => [r.task_id, r.attempt]));
  }

  /** The open (assigned or running) tasks of each agent given, by id. */
  async openTasks(agentIds: string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (!agentIds.length) return out;
    const rows: { agent_id: string; task_id: string }[] = await this.dataSource.query(
      `select agent_id, task_id from tasks where status in ('assigned', 'running') and agent_id = any($1)`,
      [agentIds],
    );
    for (const r of rows) out.set(r.agent_id, (out.get(r.agent_id) ?? new Set()).add(r.task_id));
    return out;
  }
}
