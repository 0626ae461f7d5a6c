import type { Pool } from 'pg';
import type { AgentStatusView } from '@sacp/events';
import type { OperationFailureState } from '@sacp/domain';

interface Row {
  agent_id: string;
  name: string;
  template_name: string | null;
  template_version: number | null;
  generation: number;
  desired: AgentStatusView['state']['desired'];
  observed: string;
  container_id: string | null;
  container_name: string | null;
  restarts: number;
  last_exit_code: number | null;
  last_oom_killed: boolean;
  health: AgentStatusView['health'];
  restart_due_at: Date | null;
  recovery_abandoned: boolean;
  last_alert: AgentStatusView['lastAlert'];
  last_error: AgentStatusView['lastError'];
  created_at: Date | null;
  updated_at: Date | null;
  version: number;
  state: { runningSince?: string | null; operationFailure?: OperationFailureState | null } | null;
}

const toView = (r: Row): AgentStatusView => ({
  id: r.agent_id,
  name: r.name,
  template: r.template_name ? { name: r.template_name, version: r.template_version ?? 0 } : null,
  state: { desired: r.desired, observed: r.observed },
  containerId: r.container_id,
  containerName: r.container_name,
  generation: r.generation,
  restarts: r.restarts,
  runningSince: r.state?.runningSince ?? null,
  health: r.health,
  lastExit: r.last_exit_code === null && !r.last_oom_killed ? null : { code: r.last_exit_code, oomKilled: r.last_oom_killed },
  restartDueAt: r.restart_due_at?.toISOString() ?? null,
  recoveryAbandoned: r.recovery_abandoned,
  lastAlert: r.last_alert,
  lastError: r.last_error,
  failing: failingView(r.state?.operationFailure ?? null),
  createdAt: r.created_at?.toISOString() ?? '',
  updatedAt: r.updated_at?.toISOString() ?? '',
  version: r.version,
});

/** Where a status page ends: creation time (as Postgres prints it, microseconds kept), name, id. */
export interface StatusKey {
  at: string;
  name: string;
  id: string;
}

function failingView(f: OperationFailureState | null): AgentStatusView['failing'] {
  if (!f) return null;
  return { operation: f.operation, code: f.code, message: f.message, failures: f.failures, limit: f.limit, since: f.firstAt, nextAttemptAt: f.nextAttemptAt, gaveUp: f.gaveUp };
}

/** Reads the agent registry projection: what `sacp status` shows. */
export class AgentRegistryReader {
  constructor(private readonly pool: Pool) {}

  async list(options: { includeRemoved?: boolean } = {}): Promise<AgentStatusView[]> {
    const { rows } = await this.pool.query<Row>(`select * from agent_registry ${options.includeRemoved ? '' : "where observed <> 'removed'"} order by created_at, name`);
    return rows.map(toView);
  }

  /**
   * One page of `list`, in the same order (creation, then name), after the row whose
   * key is `after` (a keyset: no offset scans). `limit` rows at most; each comes with its key.
   */
  async page(after: StatusKey | null, limit: number): Promise<{ view: AgentStatusView; key: StatusKey }[]> {
    const { rows } = await this.pool.query<Row & { key_at: string }>(
      `select *, coalesce(created_at, '-infinity'::timestamptz)::text as key_at from agent_registry
        where observed <> 'removed'
          and ($1::timestamptz is null or (coalesce(created_at, '-infinity'::timestamptz), name, agent_id::text) > ($1::timestamptz, $2::text, $3::text))
        order by coalesce(created_at, '-infinity'::timestamptz), name, agent_id::text limit $4`,
      [after?.at ?? null, after?.name ?? null, after?.id ?? null, limit],
    );
    return rows.map((r) => ({ view: toView(r), key: { at: r.key_at, name: r.name, id: String(r.agent_id) } }));
  }

  async get(agentId: string): Promise<AgentStatusView | null> {
    const { rows } = await this.pool.query<Row>('select * from agent_registry where agent_id = $1', [agentId]);
    return rows[0] ? toView(rows[0]) : null;
  }

  async findByContainer(containerId: string): Promise<AgentStatusView | null> {
    const { rows } = await this.pool.query<Row>("select * from agent_registry where container_id = $1 and observed <> 'removed'", [containerId]);
    return rows[0] ? toView(rows[0]) : null;
  }

  /** Agents whose desired state still needs Docker work; the reconciler's worklist. */
  async activeAgentIds(): Promise<string[]> {
    const { rows } = await this.pool.query<{ agent_id: string }>("select agent_id from agent_registry where observed <> 'removed'");
    return rows.map((r) => r.agent_id);
  }
}
