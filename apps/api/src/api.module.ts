/*
 * The API service: REST under /api/v1 (OpenAPI at /api/docs), users, sessions and
 * tokens, live updates (WS /api/v1/live), and health and metrics. It changes nothing itself: every change is a bus
 * command sent with the API's own credential and the caller as its actor; reads are
 * bus queries. Postgres is read for credentials and sessions, and by the live feed
 * (its catch-up from a position), never written but for sessions.
 */
import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { BusModule } from '@sacp/bus/nest';
import { DatabaseModule } from '@sacp/event-store/nest';
import type { JsonLogger } from '@sacp/platform';
import { coreProviders, HealthController, MetricsController } from '@sacp/platform/nest';
import { AgentCommandsController } from './agents/agent-commands.controller';
import { AgentsController } from './agents/agents.controller';
import { LogStreamController } from './agents/log-stream.controller';
import { TimelineController } from './agents/timeline.controller';
import { AlertsController } from './alerts/alerts.controller';
import { AuditController } from './audit/audit.controller';
import { AuthModule } from './auth';
import { CommandsController } from './commands/commands.controller';
import type { ApiConfig } from './config';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { LiveModule } from './live/live.module';
import { LogsController } from './logs/logs.controller';
import { ResourcesController } from './resources/resources.controller';
import { TemplatesController } from './templates/templates.controller';
import { UsersController } from './users/users.controller';
import { VolumesController } from './volumes/volumes.controller';
import { TeamCommandsController } from './teams/team-commands.controller';
import { TeamsController } from './teams/teams.controller';
import { TasksController } from './tasks/tasks.controller';
import { WebModule } from './web';

export function apiModule(config: ApiConfig, log: JsonLogger) {
  @Module({
    imports: [
      // credentials and sessions; the API starts without Postgres and connects when it can (readiness says so)
      DatabaseModule.forRootAsync({ useFactory: () => ({ url: config.DATABASE_URL, poolSize: 4, applicationName: 'sacp-api', connect: 'in-background', log }) }),
      // a REST request is answered within API_BUS_TIMEOUT_MS: a query is not retried (the caller can)
      BusModule.forRoot({
        service: 'api',
        url: config.NATS_URL,
        credentialsFile: config.NATS_CREDENTIALS_FILE,
        log: (l, m, x) => log.write(l, m, x),
        client: { requestTimeoutMs: config.API_BUS_TIMEOUT_MS },
      }),
      AuthModule.forRoot({ config, log, publicControllers: [HealthController, MetricsController] }),
      // the dashboard at / (dist/apps/api/web); /api, /health and /metrics stay the controllers'
      WebModule.forRoot(),
      LiveModule.forRoot(log),
    ],
    controllers: [
      HealthController,
      AgentsController,
      LogStreamController,
      TimelineController,
      AgentCommandsController,
      CommandsController,
      UsersController,
      TemplatesController,
      AuditController,
      AlertsController,
      ResourcesController,
      VolumesController,
      TeamsController,
      TeamCommandsController,
      TasksController,
      LogsController,
    ],
    providers: [...coreProviders('api', config, log, { nats: false }), { provide: APP_FILTER, useValue: new ApiExceptionFilter(log) }],
  })
  class ApiModule {}
  return ApiModule;
}
