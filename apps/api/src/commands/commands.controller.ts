import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { BusClient } from '@sacp/bus';
import { toHttpException } from '../http/wire-error.to-http';
import { ZodPipe } from '../http/zod-pipe';

/** GET /api/v1/commands/{id}: what became of a command (the link a 202 answers with). */
@ApiTags('commands')
@Controller('api/v1/commands')
export class CommandsController {
  constructor(private readonly bus: BusClient) {}

  @Get(':commandId')
  @ApiOperation({ summary: "A command's outcome: accepted, rejected (with the error), duplicate arrivals, who sent it, and the events it recorded" })
  async get(@Param('commandId', new ZodPipe(z.string().min(1).max(200), 'query')) commandId: string) {
    const reply = await this.bus.query('command.get', { commandId });
    if (!reply.ok) throw toHttpException(reply.error);
    return reply.result;
  }
}
