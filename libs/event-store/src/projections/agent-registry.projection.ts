import type { PoolClient } from 'pg';
import type { StoredEvent } from '@sacp/events';
import { evolveAgent, type EvolvableEvent, initialAgentState, type AgentState } from '@sacp/domain';
import type { Projection } from './projection';

const isAgentStream = (e: StoredEvent) => e.streamId.startsWith('agent-') && !e.streamId.startsWith('agent-name-');

/** One row per agent: what `sacp status` shows. */
export const agentRegistryProjection: Projection = {
  name: 'agent_registry',
  tables: ['agent_registry'],
  async applyBatch(client: PoolClient, events: StoredEvent[]): Promise<void> {
    // agents first: an alert in the same batch as an agent's first event needs its row
    await applyAgents(client, events);
    await applyAlerts(client, events);
  },
};

async function applyAgents(client: PoolClient, events: StoredEvent[]): Promise<void> {
  const relevant = events.filter(isAgentStream);
  if (!relevant.length) return;
  const ids = [...new Set(relevant.map((e) => e.streamId.slice('agent-'.length)))];
  const { rows } = await client.query<{ agent_id: string; state: AgentState }>('select agent_id, state from agent_registry where agent_id = any($1)', [ids]);
  const states = new Map(rows.map((r) => [r.agent_id, r.state]));
  for (const e of relevant) {
    const id = e.streamId.slice('agent-'.length);
    const state = states.get(id) ?? initialAgentState(id);
    // redelivery guard: an event at or below the row's version was applied already
    if (e.streamPosition <= state.version) continue;
    states.set(id, evolveAgent(state, e as unknown as EvolvableEvent));
  }
  const touched = ids.map((id) => states.get(id)!).filter((s) => s.exists);
  if (!touched.length) return;
  await client.query(
    `insert into agent_registry (agent_id, name, template_name, template_version, adopted, generation, desired, observed,
         container_id, container_name, last_exit_code, restarts, last_error, created_at, updated_at, version, state,
         health, last_oom_killed, restart_due_at, recovery_abandoned)
       select * from jsonb_to_recordset($1::jsonb) as x(agent_id text, name text, template_name text, template_version int, adopted bool,
         generation int, desired text, observed text, container_id text, container_name text, last_exit_code int, restarts int,
         last_error jsonb, created_at timestamptz, updated_at timestamptz, version int, state jsonb,
         health text, last_oom_killed bool, restart_due_at timestamptz, recovery_abandoned bool)
       on conflict (agent_id) do update set name = excluded.name, template_name = excluded.template_name,
         template_version = excluded.template_version, adopted = excluded.adopted, generation = excluded.generation,
         desired = excluded.desired, observed = excluded.observed, container_id = excluded.container_id,
         container_name = excluded.container_name, last_exit_code = excluded.last_exit_code, restarts = excluded.restarts,
         last_error = excluded.last_error, created_at = excluded.created_at, updated_at = excluded.updated_at,
         version = excluded.version, state = excluded.state, health = excluded.health, last_oom_killed = excluded.last_oom_killed,
         restart_due_at = excluded.restart_due_at, recovery_abandoned = excluded.recovery_abandoned`,
    [
      JSON.stringify(
        touched.map((s) => ({
          agent_id: s.agentId,
          name: s.name,
          template_name: s.template?.name ?? null,
          template_version: s.template?.version ?? null,
          adopted: s.adopted,
          generation: s.generation,
          desired: s.desired,
          observed: s.observed,
          container_id: s.containerId,
          container_name: s.containerName,
          last_exit_code: s.lastExitCode,
          restarts: s.restarts,
          last_error: s.lastError,
          created_at: s.createdAt,
          updated_at: s.updatedAt,
          version: s.version,
          state: s,
          health: s.health,
          last_oom_killed: s.lastOomKilled,
          restart_due_at: s.restartSeqRequested > s.restartSeqDone ? s.restartDueAt : null,
          recovery_abandoned: s.recoveryAbandoned,
        })),
      ),
    ],
  );
}

/** The last alert raised or resolved about each agent, shown beside it. */
async function applyAlerts(client: PoolClient, events: StoredEvent[]): Promise<void> {
  for (const e of events) {
    if (e.type !== 'alert.raised' && e.type !== 'alert.resolved') continue;
    const d = e.data as { agentId: string | null; key: string; severity?: string; cause?: string; message: string };
    if (!d.agentId) continue;
    const alert = { key: d.key, state: 'open', severity: d.severity ?? null, cause: d.cause ?? null, message: d.message, at: e.metadata.occurredAt };
    if (e.type === 'alert.resolved')
      await client.query(`update agent_registry set last_alert = last_alert || $2::jsonb where agent_id = $1 and last_alert->>'key' = $3`, [
        d.agentId,
        JSON.stringify({ state: 'resolved', message: d.message, at: e.metadata.occurredAt }),
        d.key,
      ]);
    else await client.query('update agent_registry set last_alert = $2::jsonb where agent_id = $1', [d.agentId, JSON.stringify(alert)]);
  }
}
