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
import { NATS, READINESS } from '../../../libs/platform/src/nest/tokens';
import type { NatsConnection } from '@nats-io/nats-core';
import { FleetView } from './fleet/fleet-view';
import { MonitorRuntime } from './monitor.runtime';
import { ControlPlaneCommands } from './recovery/control-plane-commands';
import { RecoveryService } from './recovery/recovery.service';
import type { MonitorConfig } from './config';

export function monitorModule(config: MonitorConfig, log: JsonLogger) {
  @Module({
    controllers: [HealthController],
    providers: [
      ...coreProviders('monitor', config, log),
      provide(DockerDriver, [], () => DockerDriver.connect(config.DOCKER_HOST)),
      provide(READINESS, [DockerDriver], (docker: DockerDriver): ServiceReadiness => ({ probes: { docker: () => docker.ping(2000) } })),
      provide(FleetView, [NATS], (nc: NatsConnection) => new FleetView(nc, log)),
      provide(ControlPlaneCommands, [NATS], (nc: NatsConnection) => new ControlPlaneCommands(nc, log)),
      provide(RecoveryService, [FleetView, ControlPlaneCommands, DockerDriver], (f: FleetView, c: ControlPlaneCommands, d: DockerDriver) => new RecoveryService(f, c, d, log)),
      MonitorRuntime,
    ],
  })
  class MonitorModule {}
  return MonitorModule;
}
