import { Controller, Get, Inject, Query } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { BusError, requestJson } from '@sacp/bus';
import { type QueryReply, Subjects } from '@sacp/events';
import type { ApiConfig } from '../config';
import { toHttpException } from '../http/wire-error.to-http';
import { CONFIG, NATS } from '@sacp/platform/nest';

/**
 * GET /api/status: the agents as the orchestrator's read model sees them, via
 * `sacp.qry.agent.status`, one page at a time: `nextCursor` (when present) goes back
 * as `?cursor=` for the next page.
 */
@Controller('api/status')
export class StatusController {
  constructor(
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get()
  async status(@Query('cursor') cursor?: string): Promise<{ agents: unknown[]; nextCursor?: string }> {
    let reply: QueryReply<unknown[]>;
    try {
      reply = await requestJson<QueryReply<unknown[]>>(this.nc, Subjects.query('agent.status'), cursor ? { cursor } : {}, this.config.API_BUS_TIMEOUT_MS, this.config.NATS_URL);
    } catch (err) {
      if (err instanceof BusError) throw toHttpException({ code: err.code, message: err.message });
      throw err;
    }
    if (!reply.ok) throw toHttpException(reply.error);
    return reply.nextCursor ? { agents: reply.result, nextCursor: reply.nextCursor } : { agents: reply.result };
  }
}
