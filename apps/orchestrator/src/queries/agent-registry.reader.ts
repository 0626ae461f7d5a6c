import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Not, type Repository } from 'typeorm';
import { AgentRegistryEntity } from '@sacp/event-store';
import type { AgentStatusView } from '@sacp/events';
import type { OperationFailureState } from '@sacp/domain';

/** The folded state's fields the view shows beside the columns. */
type ViewedState = { team?: string | null; runningSince?: string | null; operationFailure?: OperationFailureState | null } | null;

/** A registry row as `sacp status` shows it (a row of the table, or one folded in memory by `registryRowOf`). */
export const registryView = (r: AgentRegistryEntity): AgentStatusView => {
  const state = r.state as ViewedState;
  return {
    id: r.agentId,
    name: r.name,
    template: r.templateName ? { name: r.templateName, version: r.templateVersion ?? 0 } : null,
    team: state?.team ?? null,
    state: { desired: r.desired as AgentStatusView['state']['desired'], observed: r.observed },
    containerId: r.containerId,
    containerName: r.containerName,
    generation: r.generation,
    restarts: r.restarts,
    runningSince: state?.runningSince ?? null,
    health: r.health as AgentStatusView['health'],
    lastExit: r.lastExitCode === null && !r.lastOomKilled ? null : { code: r.lastExitCode, oomKilled: r.lastOomKilled },
    restartDueAt: r.restartDueAt?.toISOString() ?? null,
    recoveryAbandoned: r.recoveryAbandoned,
    lastAlert: r.lastAlert,
    lastError: r.lastError as AgentStatusView['lastError'],
    failing: failingView(state?.operationFailure ?? null),
    createdAt: r.createdAt?.toISOString() ?? '',
    updatedAt: r.updatedAt?.toISOString() ?? '',
    version: r.version,
  };
};

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

/** What a status list may be narrowed to (every one given must hold). */
export interface StatusFilters {
  desired?: string;
  observed?: string;
  template?: string;
  health?: string;
  /** a part of the name, any case */
  q?: string;
  /** the agents of one team */
  team?: string;
}

/** Whether a view passes the filters: the same test as `page`'s SQL, for lists folded in memory. */
export function matchesFilters(v: AgentStatusView, f: StatusFilters): boolean {
  return (
    (!f.desired || v.state.desired === f.desired) &&
    (!f.observed || v.state.observed === f.observed) &&
    (!f.template || v.template?.name === f.template) &&
    (!f.health || v.health === f.health) &&
    (!f.q || v.name.toLowerCase().includes(f.q.toLowerCase())) &&
    (!f.team || v.team === f.team)
  );
}

/** The registry's order: creation time (agents without one first), then name, then id. */
const ORDER_KEY = "coalesce(a.created_at, '-infinity'::timestamptz)";

/** Reads the agent registry projection: what `sacp status` shows. */
@Injectable()
export class AgentRegistryReader {
  constructor(@InjectRepository(AgentRegistryEntity) private readonly rows: Repository<AgentRegistryEntity>) {}

  async list(options: { includeRemoved?: boolean } = {}): Promise<AgentStatusView[]> {
    const rows = await this.rows.find({ where: options.includeRemoved ? {} : { observed: Not('removed') }, order: { createdAt: 'ASC', name: 'ASC' } });
    return rows.map(registryView);
  }

  /**
   * One page of `list`, in the same order (creation, then name), after the row whose
   * key is `after` (a keyset: no offset scans). `limit` rows at most; each comes with its key.
   */
  async page(after: StatusKey | null, limit: number, filters: StatusFilters = {}): Promise<{ view: AgentStatusView; key: StatusKey }[]> {
    const q = this.rows
      .createQueryBuilder('a')
      .addSelect(`${ORDER_KEY}::text`, 'key_at')
      .where("a.observed <> 'removed'")
      .orderBy(ORDER_KEY)
      .addOrderBy('a.name')
      .addOrderBy('a.agentId')
      .limit(limit);
    if (filters.desired) q.andWhere('a.desired = :desired', { desired: filters.desired });
    if (filters.observed) q.andWhere('a.observed = :observed', { observed: filters.observed });
    if (filters.template) q.andWhere('a.templateName = :template', { template: filters.template });
    if (filters.health) q.andWhere('a.health = :health', { health: filters.health });
    if (filters.q) q.andWhere('strpos(lower(a.name), lower(:q)) > 0', { q: filters.q });
    if (filters.team) q.andWhere("a.state->>'team' = :team", { team: filters.team });
    if (after) q.andWhere(`(${ORDER_KEY}, a.name, a.agentId) > (CAST(:at AS timestamptz), CAST(:name AS text), CAST(:id AS text))`, after);
    const { entities, raw } = await q.getRawAndEntities<{ key_at: string }>();
    return entities.map((r, i) => ({ view: registryView(r), key: { at: raw[i]!.key_at, name: r.name, id: r.agentId } }));
  }

  async get(agentId: string): Promise<AgentStatusView | null> {
    const row = await this.rows.findOneBy({ agentId });
    return row ? registryView(row) : null;
  }

  /** The agents (not removed) deployed from a template, by name, at most `limit`. */
  async byTemplate(template: string, limit: number): Promise<AgentStatusView[]> {
    const rows = await this.rows.find({ where: { templateName: template, observed: Not('removed') }, order: { name: 'ASC' }, take: limit });
    return rows.map(registryView);
  }

  /** Agents by id (removed ones too), for the members of a team. */
  async byIds(agentIds: string[]): Promise<Map<string, AgentStatusView>> {
    if (!agentIds.length) return new Map();
    const rows = await this.rows.createQueryBuilder('a').where('a.agentId = any(:ids)', { ids: agentIds }).getMany();
    return new Map(rows.map((r) => [r.agentId, registryView(r)]));
  }

  async findByContainer(containerId: string): Promise<AgentStatusView | null> {
    const row = await this.rows.findOneBy({ containerId, observed: Not('removed') });
    return row ? registryView(row) : null;
  }

  /** Agents whose desired state still needs Docker work; the reconciler's worklist. */
  async activeAgentIds(): Promise<string[]> {
    const rows = await this.rows.find({ select: { agentId: true }, where: { observed: Not('removed') } });
    return rows.map((r) => r.agentId);
  }
}
