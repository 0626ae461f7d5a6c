import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { BusClient } from '@sacp/bus';
import { Limits } from '@sacp/events';
import { CommandRateLimit, CurrentPrincipal, MinRole, type Principal } from '../auth';
import { CommandSender } from '../http/command-sender';
import { toHttpException } from '../http/wire-error.to-http';
import { CommandRoute, IdempotencyKey } from '../http/command-route';
import { ZodPipe } from '../http/zod-pipe';
import { ApiZodBody, ApiZodQuery } from '../openapi/zod-openapi';

const AlertsQuery = z
  .object({
    state: z.enum(['open', 'all']).default('open'),
    agent: z.string().min(1).max(100).optional(),
    cursor: z.string().min(1).max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(Limits.PAGE_MAX_ITEMS).optional(),
  })
  .strict();
const AlertKey = z.string().min(1).max(300);
const AcknowledgeBody = z.object({ note: z.string().min(1).max(1000, 'a note is at most 1000 characters').optional() }).strict();

/** Alerts the monitor raised: any role reads them, operators acknowledge them. */
@ApiTags('alerts')
@Controller('api/v1/alerts')
export class AlertsController {
  constructor(
    private readonly bus: BusClient,
    private readonly commands: CommandSender,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Alerts, newest first: the open ones, or with state=all the past ones too; about one agent with agent=' })
  @ApiOkResponse({
    description: '{ items: [{ alertId, key, state, severity, agentId, agentName, cause, message, lastLogLines, raisedAt, resolved, acknowledged }], nextCursor? }',
  })
  @ApiZodQuery(AlertsQuery)
  async list(@Query(new ZodPipe(AlertsQuery, 'query')) q: z.infer<typeof AlertsQuery>) {
    const reply = await this.bus.query('alert.list', {
      state: q.state,
      ...(q.agent ? { agent: q.agent } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
      ...(q.limit ? { pageSize: q.limit } : {}),
    });
    if (!reply.ok) throw toHttpException(reply.error);
    return reply.nextCursor ? { items: reply.result, nextCursor: reply.nextCursor } : { items: reply.result };
  }

  @Post(':key/acknowledge')
  @MinRole('operator')
  @CommandRateLimit()
  @CommandRoute('Acknowledges the open alert with this key (it stays open until its condition is over); a resolved or unknown alert is refused')
  @ApiZodBody(AcknowledgeBody)
  acknowledge(
    @CurrentPrincipal() p: Principal,
    @Param('key', new ZodPipe(AlertKey, 'query')) key: string,
    @Body(new ZodPipe(AcknowledgeBody)) b: z.infer<typeof AcknowledgeBody>,
    @IdempotencyKey() idempotencyKey?: string,
  ) {
    return this.commands.send(p, 'alert.acknowledge', { key, ...(b.note ? { note: b.note } : {}) }, { idempotencyKey, links: { alerts: '/api/v1/alerts' } });
  }
}
