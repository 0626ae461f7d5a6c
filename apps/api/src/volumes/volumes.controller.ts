import { Body, Controller, Delete, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { BusClient } from '@sacp/bus';
import { RemoveVolumeV1 } from '@sacp/events';
import { CommandRateLimit, CurrentPrincipal, MinRole, type Principal } from '../auth';
import { ReasonBody } from '../agents/agents.schemas';
import { CommandSender } from '../http/command-sender';
import { CommandRoute, IdempotencyKey } from '../http/command-route';
import { toHttpException } from '../http/wire-error.to-http';
import { ZodPipe } from '../http/zod-pipe';
import { ApiZodBody, ApiZodQuery } from '../openapi/zod-openapi';

const VolumesQuery = z
  .object({
    /** only the volumes whose agent is gone */
    orphaned: z.enum(['true', 'false']).default('false'),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
  })
  .strict();
const VolumeName = RemoveVolumeV1.payload.shape.volume;

/** This control plane's volumes: any role lists them with their sizes; operators remove an orphaned one on purpose. */
@ApiTags('volumes')
@Controller('api/v1/volumes')
export class VolumesController {
  constructor(
    private readonly bus: BusClient,
    private readonly commands: CommandSender,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      "This control plane's volumes, newest first, each with its agent (and whether it still exists), size and creation time; orphaned=true: only those whose agent is gone. Sizes come from Docker's disk-usage report, cached (sizesAt says when it was measured)",
  })
  @ApiOkResponse({ description: '{ volumes: [{ name, kind, agent: { id, name, exists }, orphaned, sizeBytes, refCount, createdAt }], total, sizesAt, sizesPending }' })
  @ApiZodQuery(VolumesQuery)
  async list(@Query(new ZodPipe(VolumesQuery, 'query')) q: z.infer<typeof VolumesQuery>) {
    const reply = await this.bus.query('volume.list', { orphaned: q.orphaned === 'true', limit: q.limit });
    if (!reply.ok) throw toHttpException(reply.error);
    return reply.result;
  }

  @Delete(':volume')
  @MinRole('operator')
  @CommandRateLimit()
  @CommandRoute(
    "Removes an orphaned volume (its agent is gone) on purpose, recorded as volume.removed; a living agent's volume, another control plane's, or one still mounted is refused (409)",
  )
  @ApiZodBody(ReasonBody)
  remove(
    @CurrentPrincipal() p: Principal,
    @Param('volume', new ZodPipe(VolumeName, 'query')) volume: string,
    @Body(new ZodPipe(ReasonBody)) b: z.infer<typeof ReasonBody>,
    @IdempotencyKey() idempotencyKey?: string,
  ) {
    return this.commands.send(p, 'volume.remove', { volume }, { idempotencyKey, reason: b.reason, links: { volumes: '/api/v1/volumes' } });
  }
}
