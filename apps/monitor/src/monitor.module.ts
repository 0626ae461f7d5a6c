/*
 * The monitor service, as it stands: it connects to Postgres, NATS and Docker and
 * reports whether it can reach them (GET /health/live, GET /health/ready). It does
 * not watch agents yet: health checks, resource sampling, auto-recovery, idle stop
 * and alerts arrive with their own issues, as handlers of events on the bus.
 */
import { Module } from '@nestjs/common';
import { DockerDriver } from '../../../libs/docker/src/docker.driver';
import type { JsonLogger } from '../../../libs/platform/src/logger';
import { coreProviders, provide } from '../../../libs/platform/src/nest/core-providers';
import { HealthController, type ServiceReadiness } from '../../../libs/platform/src/nest/health.controller';
import { READINESS } from '../../../libs/platform/src/nest/tokens';
import type { MonitorConfig } from './config';

export function monitorModule(config: MonitorConfig, log: JsonLogger) {
  @Module({
    controllers: [HealthController],
    providers: [
      ...coreProviders('monitor', config, log),
      provide(DockerDriver, [], () => DockerDriver.connect(config.DOCKER_HOST)),
      provide(READINESS, [DockerDriver], (docker: DockerDriver): ServiceReadiness => ({ probes: { docker: () => docker.ping(2000) } })),
    ],
  })
  class MonitorModule {}
  return MonitorModule;
}
