import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { BusClient } from '@sacp/bus';
import { MinRole } from '../auth';
import { toHttpException } from '../http/wire-error.to-http';
import { ZodPipe } from '../http/zod-pipe';
import { ApiZodQuery } from '../openapi/zod-openapi';
import { ActivityQuery, AgentRef, TeamRef } from './teams.schemas';

const list = <R>(r: { result: R; nextCursor?: string }) => ({ items: r.result, ...(r.nextCursor ? { nextCursor: r.nextCursor } : {}) });

/** Teams and activity feeds: any signed-in role. */
@ApiTags('teams')
@Controller('api/v1')
@MinRole('viewer')
export class TeamsController {
  constructor(private readonly bus: BusClient) {}

  @Get('teams')
  @ApiOperation({ summary: 'The teams by name, with configuration, quota, usage and members, one page at a time (nextCursor → ?cursor=)' })
  @ApiZodQuery(ActivityQuery)
  async list(@Query(new ZodPipe(ActivityQuery, 'query')) q: z.infer<typeof ActivityQuery>) {
    const reply = await this.bus.query('team.list', { ...(q.cursor ? { cursor: q.cursor } : {}), ...(q.limit ? { pageSize: q.limit } : {}) });
    if (!reply.ok) throw toHttpException(reply.error);
    return list(reply);
  }

  @Get('teams/:team')
  @ApiOperation({ summary: "One team: its configuration (version and hash), quota, what its members use, and each member's state" })
  async get(@Param('team', new ZodPipe(TeamRef, 'query')) team: string) {
    const reply = await this.bus.query('team.get', { team });
    if (!reply.ok) throw toHttpException(reply.error);
    return reply.result;
  }

  @Get('teams/:team/activity')
  @ApiOperation({ summary: "The team's activity, newest first (nextCursor → ?cursor=): its own events, its members' and the alerts about them, each with who did it and why" })
  @ApiZodQuery(ActivityQuery)
  async activity(@Param('team', new ZodPipe(TeamRef, 'query')) team: string, @Query(new ZodPipe(ActivityQuery, 'query')) q: z.infer<typeof ActivityQuery>) {
    const reply = await this.bus.query('team.activity', { team, ...(q.cursor ? { cursor: q.cursor } : {}), ...(q.limit ? { pageSize: q.limit } : {}) });
    if (!reply.ok) throw toHttpException(reply.error);
    return list(reply);
  }

  @Get('agents/:agent/activity')
  @ApiOperation({ summary: "One agent's activity, newest first (nextCursor → ?cursor=): its events and the alerts about it, each with who did it and why" })
  @ApiZodQuery(ActivityQuery)
  async agentActivity(@Param('agent', new ZodPipe(AgentRef, 'query')) agent: string, @Query(new ZodPipe(ActivityQuery, 'query')) q: z.infer<typeof ActivityQuery>) {
    const reply = await this.bus.query('agent.activity', { agent, ...(q.cursor ? { cursor: q.cursor } : {}), ...(q.limit ? { pageSize: q.limit } : {}) });
    if (!reply.ok) throw toHttpException(reply.error);
    return list(reply);
  }
}
