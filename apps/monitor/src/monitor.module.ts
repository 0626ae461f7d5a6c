/*
 * The monitor service: it folds the event stream into a picture of the fleet and
 * reacts to it — auto-recovery from failures; on the elected replica, health checks,
 * resource sampling with threshold alerts, the idle stop, and the collection of the agents'
 * logs (searched by any replica) — and reports whether it
 * can reach Postgres, NATS and Docker (GET /health/live, GET /health/ready).
 * Each part is a Nest component that starts and stops itself (see each class).
 */
import { Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DockerDriver } from '@sacp/docker';
import { DockerModule } from '@sacp/docker/nest';
import { AgentLogRepository } from '@sacp/event-store';
import { DatabaseModule } from '@sacp/event-store/nest';
import { DataSource } from 'typeorm';
import { JsonLogger } from '@sacp/platform';
import { coreProviders, factory, HealthController, NATS, READINESS } from '@sacp/platform/nest';
import type { MonitorConfig } from './config';
import { FleetView } from './fleet/fleet-view';
import { DockerHealthWatcher } from './health/docker-health.watcher';
import { HealthChecker } from './health/health-check.service';
import { IdleStopper } from './idle/idle-stop.service';
import { LogCollector } from './logs/log-collector.service';
import { LogRetention } from './logs/log-retention.service';
import { TeamRetentions } from './logs/team-retention';
import { LogSearchController } from './logs/log-search.controller';
import { LogSearchHandler } from './logs/log-search.handler';
import { MonitorLeader } from './monitor-leader';
import { MonitorSettings } from './monitor.settings';
import { ControlPlaneCommands } from './recovery/control-plane-commands';
import { RecoveryService } from './recovery/recovery.service';
import { HostSampler } from './resources/host-sampler';
import { MetricsQueryHandler } from './resources/metrics-query.handler';
import { MetricsQueryController } from './resources/metrics-query.controller';
import { OpenAlerts } from './resources/open-alerts';
import { ResourceSampler } from './resources/resource-sampler.service';
import { ThresholdAlerts } from './resources/threshold-alerts.service';

export function monitorModule(config: MonitorConfig, log: JsonLogger) {
  @Module({
    imports: [
      DockerModule.forRoot({ host: config.DOCKER_HOST }),
      // Postgres: the collected logs (stored, pruned, searched) and the readiness check (the leader lock keeps a session of its own); the monitor starts without it and connects when it can
      DatabaseModule.forRootAsync({ useFactory: () => ({ url: config.DATABASE_URL, poolSize: 4, applicationName: 'sacp-monitor', connect: 'in-background', log }) }),
    ],
    controllers: [HealthController, MetricsQueryController, LogSearchController],
    providers: [
      ...coreProviders('monitor', config, log),
      factory(READINESS, [DockerDriver], (docker) => ({ probes: { docker: () => docker.ping(2000) } })),
      MonitorSettings,
      FleetView,
      MonitorLeader,
      factory(ControlPlaneCommands, [NATS, JsonLogger], (nc, log) => new ControlPlaneCommands(nc, log)),
      RecoveryService,
      HealthChecker,
      DockerHealthWatcher,
      HostSampler,
      ResourceSampler,
      OpenAlerts,
      ThresholdAlerts,
      IdleStopper,
      factory(AgentLogRepository, [DataSource], (ds) => new AgentLogRepository(ds)),
      LogCollector,
      LogRetention,
      TeamRetentions,
      LogSearchHandler,
      factory(MetricsQueryHandler, [NATS, FleetView, MonitorSettings, JsonLogger], (nc, fleet, s, log) => new MetricsQueryHandler(nc, fleet, s.sampleMaxAgeMs, log)),
    ],
  })
  class MonitorModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
    constructor(private readonly metrics: MetricsQueryHandler) {}

    // every replica answers metrics queries, from the samples the leader publishes
    onApplicationBootstrap(): void {
      this.metrics.start();
    }

    beforeApplicationShutdown(): void {
      this.metrics.stop();
    }
  }
  return MonitorModule;
}
