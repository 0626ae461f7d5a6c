import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { type JsonLogger, LOGGER } from '@sacp/platform';
import { FleetView } from './fleet/fleet-view';
import { DockerHealthWatcher } from './health/docker-health.watcher';
import { HealthChecker } from './health/health-check.service';
import { IdleStopper } from './idle/idle-stop.service';
import { MonitorLeader } from './monitor-leader';
import { MetricsQueryHandler } from './resources/metrics-query.handler';
import { ResourceSampler } from './resources/resource-sampler.service';
import { ThresholdAlerts } from './resources/threshold-alerts.service';

export const OBSERVATION_TIMING = Symbol('OBSERVATION_TIMING');
export interface ObservationTiming {
  sampleIntervalMs: number;
  healthTickMs: number;
}

/**
 * The monitor's watching loops, once the fleet view has read the history: health
 * checks and resource sampling (with the threshold alerts and the idle stop fed by each
 * sample pass) run on the elected replica only; every replica answers metrics queries.
 */
@Injectable()
export class ObservationRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly fleet: FleetView,
    private readonly leader: MonitorLeader,
    private readonly health: HealthChecker,
    private readonly watcher: DockerHealthWatcher,
    private readonly sampler: ResourceSampler,
    thresholds: ThresholdAlerts,
    idle: IdleStopper,
    private readonly metrics: MetricsQueryHandler,
    @Inject(OBSERVATION_TIMING) private readonly timing: ObservationTiming,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {
    sampler.onPass((p) => thresholds.onPass(p));
    sampler.onPass((p) => idle.onPass(p));
  }

  onApplicationBootstrap(): void {
    this.metrics.start();
    void this.fleet.caughtUp.then(() => {
      if (this.stopped) return;
      this.leader.start();
      this.watcher.start((containerId) => {
        if (this.leader.isLeader) this.health.onDockerHealthEvent(containerId);
      });
      this.every(this.timing.healthTickMs, async () => this.health.tick());
      this.every(this.timing.sampleIntervalMs, async () => void (await this.sampler.pass()));
    });
  }

  /** runs `work` every `ms` on the leader, never two at once */
  private every(ms: number, work: () => Promise<void>): void {
    const loop = () => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        const done = this.leader.isLeader ? work().catch((err: unknown) => this.log.warn('a monitor loop failed', { error: err })) : Promise.resolve();
        void done.then(() => {
          if (!this.stopped) loop();
        });
      }, ms);
      this.timers.add(t);
    };
    loop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.watcher.stop();
    this.metrics.stop();
    await this.leader.stop();
  }
}
