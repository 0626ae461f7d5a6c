import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { BusClient } from '@sacp/bus';
import { Limits } from '@sacp/events';
import { toHttpException } from '../http/wire-error.to-http';
import { ZodPipe } from '../http/zod-pipe';

const isoTime = z.iso.datetime({ offset: true, message: 'expected an ISO time such as 2026-11-26T10:00:00Z' });
const AuditQuery = z
  .object({
    actor: z.string().min(1).max(200).optional(),
    agent: z.string().min(1).max(100).optional(),
    commandType: z.string().min(1).max(100).optional(),
    outcome: z.enum(['accepted', 'rejected', 'refused', 'duplicate', 'conflict', 'failed', 'malformed']).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    cursor: z.string().min(1).max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(Limits.PAGE_MAX_ITEMS).optional(),
  })
  .strict();

/** The audit trail: every command received, whatever became of it, newest first. Any signed-in role. */
@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  @ApiOperation({ summary: 'The audit trail, newest first, by actor ("kind:id" or an id), agent, command type, outcome and time range; one page at a time' })
  @ApiOkResponse({ description: '{ items: [{ at, commandId, commandType, actor, source, reason, outcome, errorCode, message }], nextCursor? }' })
  async list(@Query(new ZodPipe(AuditQuery, 'query')) q: z.infer<typeof AuditQuery>) {
    const { limit, ...filters } = q;
    // `limit` is a page here; the bus query's own limit (entries across pages) is left open
    const reply = await this.bus.query('audit.list', { ...filters, limit: 1_000_000, pageSize: limit ?? 50 });
    if (!reply.ok) throw toHttpException(reply.error);
    return reply.nextCursor ? { items: reply.result, nextCursor: reply.nextCursor } : { items: reply.result };
  }
}
