import { Controller, Get, Inject, Param, Query, Req, Res, type BeforeApplicationShutdown } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { NatsConnection } from '@nats-io/nats-core';
import type { z } from 'zod';
import { BusClient } from '@sacp/bus';
import type { LogLine } from '@sacp/events';
import type { JsonLogger } from '@sacp/platform';
import { LOGGER, NATS } from '@sacp/platform/nest';
import { ApiError } from '../http/api-error';
import { toHttpException } from '../http/wire-error.to-http';
import { ZodPipe } from '../http/zod-pipe';
import { AgentRef, LogStreamQuery } from './agents.schemas';
import { ApiZodQuery } from '../openapi/zod-openapi';

type Res = {
  writeHead(status: number, headers: Record<string, string>): void;
  write(chunk: string): boolean;
  end(): void;
  writableLength: number;
  flushHeaders?: () => void;
};
type Req = { on(event: 'close', fn: () => void): void };

/** A reader this far behind (bytes not yet sent to it) is cut off with an "overflow" event rather than buffered for. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/**
 * GET /api/v1/agents/{agent}/logs/stream: the agent's log lines as Server-Sent Events,
 * the last `lines` first and then each new one (`data: {stream, line, ts}`), until the
 * container stops (`event: end`) or the client goes. The orchestrator follows the
 * container on the bus; this subscribes before asking, so no line falls between.
 */
@ApiTags('agents')
@Controller('api/v1/agents')
export class LogStreamController implements BeforeApplicationShutdown {
  /** the open streams' closers: a shutdown ends them (with `event: end`) instead of waiting on them */
  private readonly open = new Set<(last?: string) => void>();

  constructor(
    private readonly bus: BusClient,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  @Get(':agent/logs/stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Follows the agent\'s logs as Server-Sent Events: data lines {stream, line, ts}; event "end" when the container stops' })
  @ApiZodQuery(LogStreamQuery)
  async stream(
    @Param('agent', new ZodPipe(AgentRef, 'query')) agent: string,
    @Query(new ZodPipe(LogStreamQuery, 'query')) q: z.infer<typeof LogStreamQuery>,
    @Req() req: Req,
    @Res() res: Res,
  ): Promise<void> {
    const status = await this.bus.query('agent.status', { agent });
    if (!status.ok) throw toHttpException(status.error);
    const found = status.result[0];
    if (!found) throw new ApiError(404, 'AGENT.NOT_FOUND', `no agent "${agent}"; list them with GET /api/v1/agents`, { agent });
    const sub = this.nc.subscribe(`sacp.logs.${found.id}.*`);
    const follow = await this.bus.query('agent.logs', { agent: found.id, lines: Math.max(1, q.lines), follow: true });
    if (!follow.ok) {
      sub.unsubscribe();
      throw toHttpException(follow.error);
    }
    const subject = follow.result.subject;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    res.write(`event: ready\ndata: ${JSON.stringify({ agent: follow.result.agent })}\n\n`);
    let closed = false;
    const close = (last?: string) => {
      if (closed) return;
      closed = true;
      this.open.delete(close);
      clearInterval(alive);
      clearInterval(heartbeat);
      if (!this.nc.isClosed()) this.nc.publish(`${subject}.stop`, 'stop');
      sub.unsubscribe();
      if (last) res.write(last);
      res.end();
    };
    const alive = setInterval(() => !this.nc.isClosed() && this.nc.publish(`${subject}.alive`, 'alive'), Math.max(1000, follow.result.keepAliveMs));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    this.open.add(close);
    req.on('close', () => close());
    void (async () => {
      for await (const msg of sub) {
        if (msg.subject !== subject) continue;
        const data = msg.json<LogLine | { end: true }>();
        if ('end' in data) return close('event: end\ndata: {}\n\n');
        if (res.writableLength > MAX_BUFFERED_BYTES) {
          this.log.warn('log stream reader too slow; cut off', { agent: found.name });
          return close(`event: overflow\ndata: ${JSON.stringify({ message: 'you read the stream slower than the agent writes; reconnect to go on' })}\n\n`);
        }
        res.write(`data: ${JSON.stringify(data)}\n\n`);
      }
      close();
    })().catch((err: unknown) => {
      this.log.warn('log stream failed', { agent: found.name, error: (err as Error).message });
      close();
    });
  }

  beforeApplicationShutdown(): void {
    for (const close of [...this.open]) close('event: end\ndata: {"reason":"the API is shutting down; reconnect"}\n\n');
  }
}
