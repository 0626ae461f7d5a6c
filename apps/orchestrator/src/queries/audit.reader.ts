import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { CommandAuditEntity } from '@sacp/event-store';

export interface AuditFilter {
  outcome?: string;
  actorKind?: string | null;
  actorId?: string | null;
  commandType?: string;
  /** any of these in the payload's `agent` (or a deploy's `name`): the agent's name and id */
  agentRefs?: string[];
  /** recorded at or after */
  from?: string;
  /** recorded at or before */
  to?: string;
}

const VIEW_COLUMNS = ['a.id', 'a.recordedAt', 'a.commandId', 'a.commandType', 'a.actor', 'a.source', 'a.reason', 'a.outcome', 'a.errorCode', 'a.message'];

/** Reads the command audit trail: what `sacp audit` shows. */
@Injectable()
export class CommandAuditReader {
  constructor(@InjectRepository(CommandAuditEntity) private readonly rows: Repository<CommandAuditEntity>) {}

  /** Entries matching `filter`, newest first, older than entry `before` when given (a keyset: no offset scans), at most `limit`. */
  async page(filter: AuditFilter, before: string | null, limit: number): Promise<CommandAuditEntity[]> {
    const q = this.rows
      .createQueryBuilder('a')
      // everything but the payload, which a page does not show
      .select(VIEW_COLUMNS)
      .orderBy('a.id', 'DESC')
      .limit(limit);
    if (filter.outcome != null) q.andWhere('a.outcome = :outcome', { outcome: filter.outcome });
    if (filter.actorKind != null) q.andWhere("a.actor->>'kind' = :kind", { kind: filter.actorKind });
    if (filter.actorId != null) q.andWhere("a.actor->>'id' = :actorId", { actorId: filter.actorId });
    if (filter.commandType != null) q.andWhere('a.commandType = :commandType', { commandType: filter.commandType });
    if (filter.agentRefs?.length)
      q.andWhere("(a.payload->>'agent' = any(:refs) or (a.commandType = 'agent.deploy' and a.payload->>'name' = any(:refs)))", { refs: filter.agentRefs });
    if (filter.from != null) q.andWhere('a.recordedAt >= :from', { from: filter.from });
    if (filter.to != null) q.andWhere('a.recordedAt <= :to', { to: filter.to });
    if (before != null) q.andWhere('a.id < :before', { before });
    return q.getMany();
  }

  /** Every entry of one command id, oldest first (its retries are recorded as duplicates), at most `limit`. */
  async ofCommand(commandId: string, limit: number): Promise<CommandAuditEntity[]> {
    return this.rows.createQueryBuilder('a').select(VIEW_COLUMNS).where('a.commandId = :commandId', { commandId }).orderBy('a.id', 'ASC').limit(limit).getMany();
  }
}
