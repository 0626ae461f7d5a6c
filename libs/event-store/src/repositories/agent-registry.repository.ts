import type { EntityManager } from 'typeorm';
import type { AgentState } from '@sacp/domain';
import { AgentRegistryEntity, type RegistryAlert } from '../entities/agent-registry.entity';

/**
 * Writes of the agent registry, inside the projector's transaction. The batch upsert
 * is hand-written (one statement for every agent a batch touched, from one JSON
 * parameter): it is what a replay of the whole history spends its time on.
 */
export class AgentRegistryRepository {
  /** The folded state of each listed agent that has a row. */
  async statesOf(tx: EntityManager, agentIds: string[]): Promise<Map<string, AgentState>> {
    const rows: { agent_id: string; state: AgentState }[] = await tx.query('select agent_id, state from agent_registry where agent_id = any($1)', [agentIds]);
    return new Map(rows.map((r) => [r.agent_id, r.state]));
  }

  /** Inserts or replaces the row of each agent from its folded state. */
  async upsert(tx: EntityManager, states: AgentState[]): Promise<void> {
    if (!states.length) return;
    await tx.query(
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
          states.map((s) => ({
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

  /** An alert raised about an agent becomes its last alert. */
  async alertRaised(tx: EntityManager, agentId: string, alert: RegistryAlert): Promise<void> {
    await tx.update(AgentRegistryEntity, { agentId }, { lastAlert: alert });
  }

  /** The agent's last alert, if it is the one resolved, is marked resolved. */
  async alertResolved(tx: EntityManager, agentId: string, key: string, resolved: { message: string; at: string }): Promise<void> {
    await tx
      .createQueryBuilder()
      .update(AgentRegistryEntity)
      .set({ lastAlert: () => `last_alert || CAST(:resolved AS jsonb)` })
      .where('agent_id = :agentId', { agentId })
      .andWhere(`last_alert->>'key' = :key`, { key })
      .setParameter('resolved', JSON.stringify({ state: 'resolved', ...resolved }))
      .execute();
  }

  /** Empties the registry before a rebuild (DELETE: the services may not truncate). */
  async clear(tx: EntityManager): Promise<void> {
    await tx.createQueryBuilder().delete().from(AgentRegistryEntity).execute();
  }
}
