import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import { DockerDriver } from '../../../../libs/docker/src/docker.driver';
import { checkReadiness } from '../../../../libs/platform/src/readiness';
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
    const { ready, checks } = await checkReadiness({
      postgres: () => this.pool.query('select 1'),
      // a PING round trip: fails while the client is reconnecting, not only once closed
      nats: () => this.nc.rtt(),
      docker: () => this.docker.ping(2000),
    });
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', leader: this.runtime.isLeader, checks });
  }
}
