import { Controller, Get, Query } from '@nestjs/common';
import { BusClient } from '@sacp/bus';
import { toHttpException } from '../http/wire-error.to-http';

/**
 * GET /api/status: the agents as the orchestrator's read model sees them, via
 * `sacp.qry.agent.status` on the one bus client, one page at a time: `nextCursor`
 * (when present) goes back as `?cursor=` for the next page.
 */
@Controller('api/status')
export class StatusController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  async status(@Query('cursor') cursor?: string): Promise<{ agents: unknown[]; nextCursor?: string }> {
    const reply = await this.bus.query('agent.status', cursor ? { cursor } : {});
    if (!reply.ok) throw toHttpException(reply.error);
    return reply.nextCursor ? { agents: reply.result, nextCursor: reply.nextCursor } : { agents: reply.result };
  }
}
