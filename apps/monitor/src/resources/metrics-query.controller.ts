import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { BusExceptionFilter } from '@sacp/bus/nest';
import type { MetricsAgentsReply } from '@sacp/domain';
import type { QueryReply } from '@sacp/events';
import { MetricsQueryHandler } from './metrics-query.handler';
import { MetricsSubjects } from './metrics.subjects';

/** `sacp.qry.metrics.agents`: the latest sample of each running agent and of the host, from whichever replica the queue group picks. */
@Controller()
@UseFilters(BusExceptionFilter)
export class MetricsQueryController {
  constructor(private readonly metrics: MetricsQueryHandler) {}

  @MessagePattern(MetricsSubjects.agentsQuery)
  agents(): QueryReply<MetricsAgentsReply> {
    return { ok: true, result: this.metrics.latest() };
  }
}
