/*
 * The API service, as it stands: it connects to Postgres and NATS, reports whether
 * it can reach them (GET /health/live, GET /health/ready), and answers
 * GET /api/status by asking the orchestrator over NATS (sacp.qry.agent.status).
 * Not here yet: authentication and API tokens, the command endpoints, OpenAPI at
 * /api/docs, /metrics, the event WebSocket and the dashboard; each has its own issue.
 */
import { Module } from '@nestjs/common';
import { BusModule } from '@sacp/bus/nest';
import { DatabaseModule } from '@sacp/event-store/nest';
import { type JsonLogger } from '@sacp/platform';
import { coreProviders, HealthController } from '@sacp/platform/nest';
import type { ApiConfig } from './config';
import { StatusController } from './status/status.controller';
import { WebModule } from './web';

export function apiModule(config: ApiConfig, log: JsonLogger) {
  @Module({
    imports: [
      // its readiness check for now; the API starts without Postgres and connects when it can
      DatabaseModule.forRootAsync({ useFactory: () => ({ url: config.DATABASE_URL, poolSize: 2, applicationName: 'sacp-api', connect: 'in-background', log }) }),
      // a REST request is answered within API_BUS_TIMEOUT_MS: a query is not retried (the caller can)
      BusModule.forRoot({
        service: 'api',
        url: config.NATS_URL,
        credentialsFile: config.NATS_CREDENTIALS_FILE,
        log: (l, m, x) => log.write(l, m, x),
        client: { requestTimeoutMs: config.API_BUS_TIMEOUT_MS },
      }),
      // the dashboard at / (dist/apps/api/web); /api, /health and /metrics stay the controllers'
      WebModule.forRoot(),
    ],
    controllers: [HealthController, StatusController],
    providers: coreProviders('api', config, log, { nats: false }),
  })
  class ApiModule {}
  return ApiModule;
}
