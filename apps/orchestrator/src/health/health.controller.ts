import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import { DockerDriver } from '../../../../libs/docker/src/docker.driver';
import { OrchestratorRuntime } from '../orchestrator.runtime';
import { NATS, PG_POOL } from '../tokens';

type Response = { status(code: number): { json(body: unknown): void } };

/** Liveness (the process answers) and readiness (Postgres, NATS and Docker answer). */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(NATS) private readonly nc: NatsConnection,
    private readonly docker: DockerDriver,
    private readonly runtime: OrchestratorRuntime,
  ) {}

  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() res: Response) {
    const check = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
        return 'ok';
      } catch (err) {
        return (err as Error).message;
      }
    };
    const checks = {
      postgres: await check(() => this.pool.query('select 1')),
      nats: this.nc.isClosed() ? 'closed' : 'ok',
      docker: await check(() => this.docker.ping(2000)),
    };
    const ok = Object.values(checks).every((v) => v === 'ok');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', leader: this.runtime.isLeader, checks });
  }
}
