import { Controller, Get, HttpCode, Inject, Optional, Res } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import { checkReadiness, type ServiceReadiness } from '../readiness';
import { NATS, PG_POOL, READINESS } from './tokens';

type Response = { status(code: number): { json(body: unknown): void } };

/** Liveness (the process answers) and readiness (Postgres, NATS and the service's own dependencies answer). */
@Controller('health')
export class HealthController {
  constructor(
    @Optional() @Inject(PG_POOL) private readonly pool: Pool | null,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Optional() @Inject(READINESS) private readonly extra: ServiceReadiness | null,
  ) {}

  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() res: Response) {
    const { ready, checks } = await checkReadiness({
      ...(this.pool ? { postgres: () => this.pool!.query('select 1') } : {}),
      // a PING round trip: fails while the client is reconnecting, not only once closed
      nats: () => this.nc.rtt(),
      ...this.extra?.probes,
    });
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', ...this.extra?.details?.(), checks });
  }
}
