import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BusClient } from '@sacp/bus';
import { toHttpException } from '../http/wire-error.to-http';

/** GET /api/v1/timeline: where the recorded history begins, so a time slider can reach every moment since the first event. */
@ApiTags('agents')
@Controller('api/v1/timeline')
export class TimelineController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  @ApiOperation({ summary: 'The first recorded event (time and position, null before any) and the time now: the range ?at= can be asked for' })
  async get() {
    const reply = await this.bus.query('events.span', {});
    if (!reply.ok) throw toHttpException(reply.error);
    return { first: reply.result.first, now: new Date().toISOString() };
  }
}
