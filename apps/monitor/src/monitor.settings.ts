import { Inject, Injectable } from '@nestjs/common';
import type { IdleThresholds } from '@sacp/domain';
import { CONFIG } from '@sacp/platform/nest';
import type { MonitorConfig } from './config';
import type { RetentionPolicy } from './logs/retention';

/** Alert thresholds, in % used (load: the 5-minute average per CPU). */
export interface ThresholdConfig {
  hostMemoryPercent: number;
  hostDiskPercent: number;
  hostLoadPerCpu: number;
  agentMemoryPercent: number;
  hysteresisPercent: number;
}

/** Log collection and retention (apps/monitor/src/logs). */
export interface LogSettings {
  collect: boolean;
  /** the global policy; per-team policies come with teams (see logs/retention.ts) */
  retention: RetentionPolicy;
  discoverMs: number;
  pruneIntervalMs: number;
  batchLines: number;
  queueLines: number;
  queueBytes: number;
}

/** The monitor's configuration as its parts use it: each injects this, typed, instead of the raw environment. */
@Injectable()
export class MonitorSettings {
  readonly instance: string;
  readonly databaseUrl: string;
  /** how often resources are sampled (also the idle check's pace) */
  readonly sampleIntervalMs: number;
  /** the health scheduler's tick */
  readonly healthTickMs: number;
  readonly diskPath: string;
  readonly thresholds: ThresholdConfig;
  readonly idle: IdleThresholds;
  /** a metrics answer leaves out samples older than this: the agent stopped, or sampling did */
  readonly sampleMaxAgeMs: number;
  readonly logs: LogSettings;

  constructor(@Inject(CONFIG) config: MonitorConfig) {
    this.instance = config.SACP_INSTANCE;
    this.databaseUrl = config.DATABASE_URL;
    this.sampleIntervalMs = config.MONITOR_SAMPLE_INTERVAL_MS;
    this.healthTickMs = config.MONITOR_HEALTH_TICK_MS;
    this.diskPath = config.MONITOR_DISK_PATH;
    this.thresholds = {
      hostMemoryPercent: config.MONITOR_HOST_MEMORY_ALERT_PERCENT,
      hostDiskPercent: config.MONITOR_HOST_DISK_ALERT_PERCENT,
      hostLoadPerCpu: config.MONITOR_HOST_LOAD_ALERT_PER_CPU,
      agentMemoryPercent: config.MONITOR_AGENT_MEMORY_ALERT_PERCENT,
      hysteresisPercent: config.MONITOR_ALERT_HYSTERESIS_PERCENT,
    };
    // a gap of more than two sample intervals and a half means a missed sample: that stretch was not watched
    this.idle = { cpuPercentThreshold: config.MONITOR_IDLE_CPU_PERCENT, cpuWindowMs: config.MONITOR_IDLE_CPU_WINDOW_MS, maxGapMs: config.MONITOR_SAMPLE_INTERVAL_MS * 2.5 };
    this.sampleMaxAgeMs = config.MONITOR_SAMPLE_INTERVAL_MS * 3;
    this.logs = {
      collect: config.MONITOR_LOG_COLLECT === 'true',
      retention: { maxAgeMs: Math.round(config.SACP_LOG_RETENTION_DAYS * 86_400_000), maxBytes: Math.round(config.SACP_LOG_RETENTION_MB * 1024 * 1024) },
      discoverMs: config.MONITOR_LOG_DISCOVER_MS,
      pruneIntervalMs: config.MONITOR_LOG_PRUNE_INTERVAL_MS,
      batchLines: config.MONITOR_LOG_BATCH_LINES,
      queueLines: config.MONITOR_LOG_QUEUE_LINES,
      queueBytes: config.MONITOR_LOG_QUEUE_MB * 1024 * 1024,
    };
  }
}
