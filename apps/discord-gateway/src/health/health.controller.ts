import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import { checkReadiness } from '../../../../libs/platform/src/readiness';
import { NATS, PG_POOL } from '../tokens';

type Response = { status(code: number): { json(body: unknown): void } };

/** Liveness (the process answers) and readiness (Postgres and NATS answer). */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(NATS) private readonly nc: NatsConnection,
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
      // a PING round trip: fails while the client is closed or reconnecting, not only once closed
      nats: () => this.nc.rtt(),
    });
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', checks });
  }
}
