import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { BusClient } from '@sacp/bus';
import { Limits } from '@sacp/events';
import { toHttpException } from '../http/wire-error.to-http';
import { ZodPipe } from '../http/zod-pipe';
import { ApiZodQuery } from '../openapi/zod-openapi';

const isoTime = z.iso.datetime({ offset: true, message: 'expected an ISO time such as 2026-11-26T10:00:00Z' });
const LogsSearchQuery = z
  .object({
    /** an agent's name (every agent that had it, removed ones too) or id */
    agent: z.string().min(1).max(100).optional(),
    team: z.string().min(1).max(100).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    /** words (Postgres full-text search: words, "a phrase", or, -word) */
    q: z.string().min(1).max(500).optional(),
    cursor: z.string().min(1).max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(Limits.PAGE_MAX_ITEMS).optional(),
  })
  .strict();

/** The collected agent logs (the monitor's store): searchable after the container is gone, within retention. Any signed-in role. */
@ApiTags('logs')
@Controller('api/v1/logs')
export class LogsController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  @ApiOperation({
    summary: "Searches every agent's collected log lines (removed agents' too, within retention), newest first, by agent, team, time range and words; one page at a time",
  })
  @ApiOkResponse({ description: '{ items: [{ at, agentId, agentName, team, containerId, stream, line }], nextCursor? }' })
  @ApiZodQuery(LogsSearchQuery)
  async search(@Query(new ZodPipe(LogsSearchQuery, 'query')) q: z.infer<typeof LogsSearchQuery>) {
    const { q: text, limit, ...filters } = q;
    const reply = await this.bus.query('logs.search', { ...filters, ...(text ? { text } : {}), limit: limit ?? 100 });
    if (!reply.ok) throw toHttpException(reply.error);
    return reply.nextCursor ? { items: reply.result, nextCursor: reply.nextCursor } : { items: reply.result };
  }
}
