/*
 * The monitor service: it folds the event stream into a picture of the fleet and
 * reacts to it — auto-recovery from failures; on the elected replica, health checks,
 * resource sampling with threshold alerts, and the idle stop — and reports whether it
 * can reach Postgres, NATS and Docker (GET /health/live, GET /health/ready).
 */
import { Module } from '@nestjs/common';
import { DockerDriver } from '@sacp/docker';
import { type JsonLogger, coreProviders, provide, HealthController, type ServiceReadiness, NATS, READINESS } from '@sacp/platform';
import type { NatsConnection } from '@nats-io/nats-core';
import { FleetView } from './fleet/fleet-view';
import { MonitorRuntime } from './monitor.runtime';
import { ControlPlaneCommands } from './recovery/control-plane-commands';
import { RecoveryService } from './recovery/recovery.service';
import { DockerHealthWatcher } from './health/docker-health.watcher';
import { HealthChecker } from './health/health-check.service';
import { IdleStopper } from './idle/idle-stop.service';
import { MonitorLeader } from './monitor-leader';
import { OBSERVATION_TIMING, ObservationRuntime, type ObservationTiming } from './observation.runtime';
import { HostSampler } from './resources/host-sampler';
import { MetricsQueryHandler } from './resources/metrics-query.handler';
import { MetricsQueryController } from './resources/metrics-query.controller';
import { OpenAlerts } from './resources/open-alerts';
import { ResourceSampler } from './resources/resource-sampler.service';
import { ThresholdAlerts } from './resources/threshold-alerts.service';
import type { MonitorConfig } from './config';

export function monitorModule(config: MonitorConfig, log: JsonLogger) {
  @Module({
    controllers: [HealthController, MetricsQueryController],
    providers: [
      ...coreProviders('monitor', config, log),
      provide(DockerDriver, [], () => DockerDriver.connect(config.DOCKER_HOST)),
      provide(READINESS, [DockerDriver], (docker: DockerDriver): ServiceReadiness => ({ probes: { docker: () => docker.ping(2000) } })),
      provide(FleetView, [NATS], (nc: NatsConnection) => new FleetView(nc, log)),
      provide(ControlPlaneCommands, [NATS], (nc: NatsConnection) => new ControlPlaneCommands(nc, log)),
      provide(RecoveryService, [FleetView, ControlPlaneCommands, DockerDriver], (f: FleetView, c: ControlPlaneCommands, d: DockerDriver) => new RecoveryService(f, c, d, log)),
      MonitorRuntime,
      ...observationProviders(config, log),
    ],
  })
  class MonitorModule {}
  return MonitorModule;
}

/** Health checks, resource sampling, threshold alerts and the idle stop (see observation.runtime.ts). */
function observationProviders(config: MonitorConfig, log: JsonLogger) {
  const timing: ObservationTiming = { sampleIntervalMs: config.MONITOR_SAMPLE_INTERVAL_MS, healthTickMs: config.MONITOR_HEALTH_TICK_MS };
  return [
    { provide: OBSERVATION_TIMING, useValue: timing },
    provide(MonitorLeader, [], () => new MonitorLeader(config.DATABASE_URL, config.SACP_INSTANCE, log)),
    provide(OpenAlerts, [FleetView], (f: FleetView) => new OpenAlerts(f)),
    provide(HealthChecker, [FleetView, DockerDriver, ControlPlaneCommands], (f: FleetView, d: DockerDriver, c: ControlPlaneCommands) => new HealthChecker(f, d, c, log)),
    provide(DockerHealthWatcher, [DockerDriver], (d: DockerDriver) => new DockerHealthWatcher(d, config.SACP_INSTANCE, log)),
    provide(
      ResourceSampler,
      [FleetView, DockerDriver, NATS],
      (f: FleetView, d: DockerDriver, nc: NatsConnection) => new ResourceSampler(f, d, new HostSampler(config.MONITOR_DISK_PATH), nc, log),
    ),
    provide(
      ThresholdAlerts,
      [FleetView, OpenAlerts, ControlPlaneCommands],
      (f: FleetView, a: OpenAlerts, c: ControlPlaneCommands) =>
        new ThresholdAlerts(
          f,
          a,
          c,
          {
            hostMemoryPercent: config.MONITOR_HOST_MEMORY_ALERT_PERCENT,
            hostDiskPercent: config.MONITOR_HOST_DISK_ALERT_PERCENT,
            hostLoadPerCpu: config.MONITOR_HOST_LOAD_ALERT_PER_CPU,
            agentMemoryPercent: config.MONITOR_AGENT_MEMORY_ALERT_PERCENT,
            hysteresisPercent: config.MONITOR_ALERT_HYSTERESIS_PERCENT,
          },
          log,
        ),
    ),
    provide(
      IdleStopper,
      [FleetView, DockerDriver, ControlPlaneCommands],
      (f: FleetView, d: DockerDriver, c: ControlPlaneCommands) =>
        // a gap of more than two sample intervals and a half means a missed sample: that stretch was not watched
        new IdleStopper(
          f,
          d,
          c,
          { cpuPercentThreshold: config.MONITOR_IDLE_CPU_PERCENT, cpuWindowMs: config.MONITOR_IDLE_CPU_WINDOW_MS, maxGapMs: config.MONITOR_SAMPLE_INTERVAL_MS * 2.5 },
          log,
        ),
    ),
    provide(MetricsQueryHandler, [NATS, FleetView], (nc: NatsConnection, f: FleetView) => new MetricsQueryHandler(nc, f, config.MONITOR_SAMPLE_INTERVAL_MS * 3, log)),
    ObservationRuntime,
  ];
}
