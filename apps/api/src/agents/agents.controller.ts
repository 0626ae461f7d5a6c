import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { BusClient } from '@sacp/bus';
import type { HistoryEntry } from '@sacp/events';
import { causationChain } from '@sacp/presentation';
import { ApiError } from '../http/api-error';
import { toHttpException } from '../http/wire-error.to-http';
import { ZodPipe } from '../http/zod-pipe';
import { AgentRef, HistoryQuery, ListQuery, LogsQuery, WhyQuery } from './agents.schemas';

/** The most history pages `why` reads (500 events each) before it stops looking for causes. */
const WHY_MAX_PAGES = 20;

const list = <R>(r: { result: R; nextCursor?: string }) => (r.nextCursor ? { items: r.result, nextCursor: r.nextCursor } : { items: r.result });

/** The agents as the read model sees them, one agent's logs, history and why: any signed-in role. */
@ApiTags('agents')
@Controller('api/v1/agents')
export class AgentsController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  @ApiOperation({ summary: 'The agents, one page at a time (nextCursor → ?cursor=)' })
  async list(@Query(new ZodPipe(ListQuery, 'query')) q: z.infer<typeof ListQuery>) {
    const reply = await this.bus.query('agent.status', { ...(q.cursor ? { cursor: q.cursor } : {}), ...(q.limit ? { pageSize: q.limit } : {}) });
    if (!reply.ok) throw toHttpException(reply.error);
    return list(reply);
  }

  @Get(':agent')
  @ApiOperation({ summary: 'One agent by name or id' })
  async get(@Param('agent', new ZodPipe(AgentRef, 'query')) agent: string) {
    const reply = await this.bus.query('agent.status', { agent });
    if (!reply.ok) throw toHttpException(reply.error);
    const found = reply.result[0];
    if (!found) throw new ApiError(404, 'AGENT.NOT_FOUND', `no agent "${agent}"; list them with GET /api/v1/agents`, { agent });
    return found;
  }

  @Get(':agent/logs')
  @ApiOperation({ summary: "The last lines of the agent's container logs, one page at a time (follow them at /logs/stream)" })
  async logs(@Param('agent', new ZodPipe(AgentRef, 'query')) agent: string, @Query(new ZodPipe(LogsQuery, 'query')) q: z.infer<typeof LogsQuery>) {
    const reply = await this.bus.query('agent.logs', {
      agent,
      lines: q.lines,
      follow: false,
      ...(q.cursor ? { cursor: q.cursor } : {}),
      ...(q.limit ? { pageSize: q.limit } : {}),
    });
    if (!reply.ok) throw toHttpException(reply.error);
    return reply.nextCursor ? { ...reply.result, nextCursor: reply.nextCursor } : reply.result;
  }

  @Get(':agent/history')
  @ApiOperation({ summary: "The agent's events, oldest first, with actor, reason and cause" })
  async history(@Param('agent', new ZodPipe(AgentRef, 'query')) agent: string, @Query(new ZodPipe(HistoryQuery, 'query')) q: z.infer<typeof HistoryQuery>) {
    const reply = await this.bus.query('agent.history', { agent, ...(q.cursor ? { cursor: q.cursor } : {}), ...(q.limit ? { pageSize: q.limit } : {}) });
    if (!reply.ok) throw toHttpException(reply.error);
    return list(reply);
  }

  @Get(':agent/why')
  @ApiOperation({ summary: 'Why the agent is as it is: the chain of events that caused its last state change, oldest first' })
  async why(@Param('agent', new ZodPipe(AgentRef, 'query')) agent: string, @Query(new ZodPipe(WhyQuery, 'query')) q: z.infer<typeof WhyQuery>) {
    const entries: HistoryEntry[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < WHY_MAX_PAGES; page++) {
      const reply = await this.bus.query('agent.history', { agent, ...(cursor ? { cursor } : {}) });
      if (!reply.ok) throw toHttpException(reply.error);
      entries.push(...reply.result);
      cursor = reply.nextCursor;
      if (!cursor) break;
    }
    const chain = causationChain(entries, q.depth);
    return chain ?? { steps: [], unresolvedCause: null, truncated: false };
  }
}
