import { z } from 'zod';
import { CommonConfigShape, millis, port, readConfig } from '@sacp/platform';

const percent = (fallback: number) => z.coerce.number().min(0).max(100).default(fallback);

const MonitorConfigSchema = z.object({
  ...CommonConfigShape,
  MONITOR_HTTP_PORT: port(3102),
  /** how often host and agent resources are sampled (also the idle check's pace) */
  MONITOR_SAMPLE_INTERVAL_MS: millis(5000),
  /** how often Docker's HEALTHCHECK status is read besides its event stream, and the HTTP probe scheduler's tick */
  MONITOR_HEALTH_TICK_MS: millis(1000),
  /** alert thresholds for the host, in % used */
  MONITOR_HOST_MEMORY_ALERT_PERCENT: percent(90),
  MONITOR_HOST_DISK_ALERT_PERCENT: percent(90),
  /** the 5-minute load average per CPU above which the host is overloaded */
  MONITOR_HOST_LOAD_ALERT_PER_CPU: z.coerce.number().min(0).max(1000).default(2),
  /** the filesystem whose use is sampled and alerted on */
  MONITOR_DISK_PATH: z.string().min(1).default('/'),
  /** an agent using more than this % of its memory limit raises an alert */
  MONITOR_AGENT_MEMORY_ALERT_PERCENT: percent(90),
  /** an alert resolves only once the value is this many points below its threshold */
  MONITOR_ALERT_HYSTERESIS_PERCENT: percent(5),
  /**
   * CPU above this % of one core, averaged over MONITOR_IDLE_CPU_WINDOW_MS, counts as
   * activity for the idle stop. Not lower: a Docker HEALTHCHECK exec every 2 s alone
   * costs an idle sim agent about 1% of a core.
   */
  MONITOR_IDLE_CPU_PERCENT: z.coerce.number().min(0).max(100).default(2),
  MONITOR_IDLE_CPU_WINDOW_MS: millis(10_000),
  /** collected agent logs are kept this many days (fractions allowed) and at most this many MB (estimated: text and per-line overhead); the prune runs on the leader */
  SACP_LOG_RETENTION_DAYS: z.coerce.number().positive().max(36_500).default(14),
  SACP_LOG_RETENTION_MB: z.coerce.number().positive().max(100_000_000).default(1024),
  /** 'false' turns log collection off (search still answers from what is stored) */
  MONITOR_LOG_COLLECT: z.enum(['true', 'false']).default('true'),
  /** how often managed containers are listed to find new ones to follow (Docker's start events also wake it) */
  MONITOR_LOG_DISCOVER_MS: millis(2000),
  MONITOR_LOG_PRUNE_INTERVAL_MS: millis(60_000),
  /** most lines stored in one insert */
  MONITOR_LOG_BATCH_LINES: z.coerce.number().int().min(1).max(50_000).default(2000),
  /** lines read and not yet stored, at most (then the Docker streams are paused) */
  MONITOR_LOG_QUEUE_LINES: z.coerce.number().int().min(100).max(1_000_000).default(50_000),
  MONITOR_LOG_QUEUE_MB: z.coerce.number().int().min(1).max(4096).default(32),
});

export type MonitorConfig = z.infer<typeof MonitorConfigSchema>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): MonitorConfig => readConfig('monitor', MonitorConfigSchema, env);
