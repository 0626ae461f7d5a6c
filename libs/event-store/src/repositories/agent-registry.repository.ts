import type { EntityManager } from 'typeorm';
import type { AgentState } from '@sacp/domain';
import { AgentRegistryEntity, type RegistryAlert } from '../entities/agent-registry.entity';
import { registryRowOf, type RegistryEntry } from '../projections/agent-registry.fold';

/**
 * Writes of the agent registry, inside the projector's transaction. The batch upsert
 * is hand-written (one statement for every agent a batch touched, from one JSON
 * parameter): it is what a replay of the whole history spends its time on.
 */
export class AgentRegistryRepository {
  /** The folded state and last alert of each listed agent that has a row. */
  async entriesOf(tx: EntityManager, agentIds: string[]): Promise<Map<string, RegistryEntry>> {
    const rows: { agent_id: string; state: AgentState; last_alert: RegistryAlert | null }[] = await tx.query(
      'select agent_id, state, last_alert from agent_registry where agent_id = any($1)',
      [agentIds],
    );
    return new Map(rows.map((r) => [r.agent_id, { state: r.state, lastAlert: r.last_alert }]));
  }

  /** Inserts or replaces the row of each agent from its folded state and last alert. */
  async upsert(tx: EntityManager, entries: RegistryEntry[]): Promise<void> {
    if (!entries.length) return;
    await tx.query(
      `insert into agent_registry (agent_id, name, template_name, template_version, adopted, generation, desired, observed,
           container_id, container_name, last_exit_code, restarts, last_error, created_at, updated_at, version, state,
           health, last_oom_killed, restart_due_at, recovery_abandoned, last_alert)
         select * from jsonb_to_recordset($1::jsonb) as x(agent_id text, name text, template_name text, template_version int, adopted bool,
           generation int, desired text, observed text, container_id text, container_name text, last_exit_code int, restarts int,
           last_error jsonb, created_at timestamptz, updated_at timestamptz, version int, state jsonb,
           health text, last_oom_killed bool, restart_due_at timestamptz, recovery_abandoned bool, last_alert jsonb)
         on conflict (agent_id) do update set name = excluded.name, template_name = excluded.template_name,
           template_version = excluded.template_version, adopted = excluded.adopted, generation = excluded.generation,
           desired = excluded.desired, observed = excluded.observed, container_id = excluded.container_id,
           container_name = excluded.container_name, last_exit_code = excluded.last_exit_code, restarts = excluded.restarts,
           last_error = excluded.last_error, created_at = excluded.created_at, updated_at = excluded.updated_at,
           version = excluded.version, state = excluded.state, health = excluded.health, last_oom_killed = excluded.last_oom_killed,
           restart_due_at = excluded.restart_due_at, recovery_abandoned = excluded.recovery_abandoned, last_alert = excluded.last_alert`,
      [
        JSON.stringify(
          entries.map(registryRowOf).map((r) => ({
            agent_id: r.agentId,
            name: r.name,
            template_name: r.templateName,
            template_version: r.templateVersion,
            adopted: r.adopted,
            generation: r.generation,
            desired: r.desired,
            observed: r.observed,
            container_id: r.containerId,
            container_name: r.containerName,
            last_exit_code: r.lastExitCode,
            restarts: r.restarts,
            last_error: r.lastError,
            created_at: r.createdAt,
            updated_at: r.updatedAt,
            version: r.version,
            state: r.state,
            health: r.health,
            last_oom_killed: r.lastOomKilled,
            restart_due_at: r.restartDueAt,
            recovery_abandoned: r.recoveryAbandoned,
            last_alert: r.lastAlert,
          })),
        ),
      ],
    );
  }

  /** Empties the registry before a rebuild (DELETE: the services may not truncate). */
  async clear(tx: EntityManager): Promise<void> {
    await tx.createQueryBuilder().delete().from(AgentRegistryEntity).execute();
  }
}
