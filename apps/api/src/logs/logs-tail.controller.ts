import { Controller, Get, Inject, Query, Req, Res, type BeforeApplicationShutdown } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { NatsConnection } from '@nats-io/nats-core';
import { z } from 'zod';
import { BusClient } from '@sacp/bus';
import { Subjects, type LiveLogLine } from '@sacp/events';
import type { JsonLogger } from '@sacp/platform';
import { LOGGER, NATS } from '@sacp/platform/nest';
import { ApiError } from '../http/api-error';
import { toHttpException } from '../http/wire-error.to-http';
import { ZodPipe } from '../http/zod-pipe';
import { ApiZodQuery } from '../openapi/zod-openapi';

type Res = {
  writeHead(status: number, headers: Record<string, string>): void;
  write(chunk: string): boolean;
  end(): void;
  writableLength: number;
};
type Req = { on(event: 'close', fn: () => void): void };

/** A reader this far behind (bytes not yet sent to it) is cut off with an "overflow" event rather than buffered for. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

const LogsTailQuery = z
  .object({
    /** an agent's name or id: its lines only */
    agent: z.string().min(1).max(100).optional(),
    /** a team's name: the lines of its members only */
    team: z.string().min(1).max(100).optional(),
    /** every agent's lines */
    all: z.enum(['true', 'false']).optional(),
  })
  .strict()
  .refine((q) => [q.agent, q.team, q.all === 'true' ? 'all' : undefined].filter(Boolean).length === 1, {
    message: 'name exactly one of agent=<name>, team=<name> or all=true',
  });

/**
 * GET /api/v1/logs/stream: the collected log lines as the monitor stores them
 * (NATS `sacp.agentlogs.<agentId>`), as Server-Sent Events `data: {at, agentId,
 * agentName, team, containerId, stream, line}`, of one agent, one team's agents or
 * every agent, until the client goes. Nothing is replayed: earlier lines come from
 * GET /api/v1/logs.
 */
@ApiTags('logs')
@Controller('api/v1/logs')
export class LogsTailController implements BeforeApplicationShutdown {
  private readonly open = new Set<(last?: string) => void>();

  constructor(
    private readonly bus: BusClient,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  @Get('stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Follows the collected log lines (of an agent, a team, or all) as Server-Sent Events, as the monitor stores them' })
  @ApiZodQuery(LogsTailQuery)
  async tail(@Query(new ZodPipe(LogsTailQuery, 'query')) q: z.infer<typeof LogsTailQuery>, @Req() req: Req, @Res() res: Res): Promise<void> {
    let agentId: string | undefined;
    if (q.agent) {
      const status = await this.bus.query('agent.status', { agent: q.agent });
      if (!status.ok) throw toHttpException(status.error);
      agentId = status.result[0]?.id;
      if (!agentId)
        throw new ApiError(404, 'AGENT.NOT_FOUND', `no agent "${q.agent}"; list them with GET /api/v1/agents (a removed agent's lines: GET /api/v1/logs)`, { agent: q.agent });
    }
    if (q.team) {
      const team = await this.bus.query('team.get', { team: q.team });
      if (!team.ok) throw toHttpException(team.error);
    }
    const sub = this.nc.subscribe(agentId ? Subjects.agentLogs(agentId) : Subjects.agentLogsWildcard);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    res.write(`event: ready\ndata: ${JSON.stringify({ agent: q.agent ?? null, team: q.team ?? null })}\n\n`);
    let closed = false;
    const close = (last?: string) => {
      if (closed) return;
      closed = true;
      this.open.delete(close);
      clearInterval(heartbeat);
      sub.unsubscribe();
      if (last) res.write(last);
      res.end();
    };
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.open.add(close);
    req.on('close', () => close());
    void (async () => {
      for await (const msg of sub) {
        const line = msg.json<LiveLogLine>();
        if (q.team && line.team !== q.team) continue;
        if (res.writableLength > MAX_BUFFERED_BYTES) {
          this.log.warn('log tail reader too slow; cut off', { agent: q.agent ?? null, team: q.team ?? null });
          return close(`event: overflow\ndata: ${JSON.stringify({ message: 'you read the stream slower than the agents write; reconnect to go on' })}\n\n`);
        }
        res.write(`data: ${JSON.stringify(line)}\n\n`);
      }
      close();
    })().catch((err: unknown) => {
      this.log.warn('log tail failed', { error: (err as Error).message });
      close();
    });
  }

  beforeApplicationShutdown(): void {
    for (const close of [...this.open]) close('event: end\ndata: {"reason":"the API is shutting down; reconnect"}\n\n');
  }
}
