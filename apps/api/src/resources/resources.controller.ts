import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BusClient } from '@sacp/bus';
import { toHttpException } from '../http/wire-error.to-http';

/** Host and agent resources as the monitor last sampled them. Any signed-in role. */
@ApiTags('resources')
@Controller('api/v1/resources')
export class ResourcesController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  @ApiOperation({ summary: "The host's and every agent's last resource sample (CPU, memory, network, pids), from the monitor" })
  @ApiOkResponse({ description: '{ host: { cpuPercent, cpuCount, memoryUsedBytes, memoryTotalBytes, ... } | null, agents: { <agentId>: { cpuPercent, memoryBytes, ... } } }' })
  async get() {
    const reply = await this.bus.query('metrics.agents', {});
    if (!reply.ok) throw toHttpException(reply.error);
    return { host: reply.result.host, agents: reply.result.agents };
  }
}
