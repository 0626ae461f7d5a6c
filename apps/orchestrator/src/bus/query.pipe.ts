import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ReadableBodyPipe } from '@sacp/bus/nest';
import { DomainError } from '@sacp/domain';
import { describeIssues, ErrorCodes, QueryContracts, validate, type OrchestratorQueryType } from '@sacp/events';

export type QueryOf<K extends OrchestratorQueryType> = z.infer<(typeof QueryContracts)[K]>;

/** A query's body, validated against its contract (an absent body is `{}`); anything else is refused as COMMAND.MALFORMED. */
export class QueryPipe<K extends OrchestratorQueryType> implements PipeTransform<unknown, QueryOf<K>> {
  private readonly readable = new ReadableBodyPipe();

  constructor(private readonly type: K) {}

  transform(body: unknown): QueryOf<K> {
    const v = validate(QueryContracts[this.type], this.readable.transform(body) ?? {});
    if (!v.ok) throw new DomainError(ErrorCodes.COMMAND_MALFORMED, `invalid ${this.type} request: ${describeIssues(v.issues)}`, { issues: v.issues });
    return v.value as QueryOf<K>;
  }
}
