import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus registry and the metrics the control plane exposes on each
 * service's `/metrics`. Names are part of the operator's contract (dashboards and
 * alerts are written against them): change them only with a note in the README.
 * A metric that a service never touches is still listed, at zero or empty, so a
 * scrape shows the same names everywhere.
 */
export const metricsRegistry = new Registry();
// prom-client's own names already say what they measure (process_cpu_seconds_total, nodejs_heap_size_used_bytes)
collectDefaultMetrics({ register: metricsRegistry, prefix: 'sacp_' });

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const Metrics = {
  /** Commands handled, by command type and outcome (`ok` or the wire error code). */
  commands: new Counter({ name: 'sacp_commands_total', help: 'Commands handled, by type and outcome', labelNames: ['type', 'outcome'] as const, registers: [metricsRegistry] }),
  commandDuration: new Histogram({
    name: 'sacp_command_duration_seconds',
    help: 'Time from a command arriving to its reply, by type and outcome',
    labelNames: ['type', 'outcome'] as const,
    buckets: SECONDS,
    registers: [metricsRegistry],
  }),
  /** Events in the store not yet published to JetStream by the relay. */
  relayLagEvents: new Gauge({ name: 'sacp_relay_lag_events', help: 'Events appended but not yet published by the relay', registers: [metricsRegistry] }),
  /** Age of the oldest event not yet published (0 when caught up). */
  relayLagSeconds: new Gauge({ name: 'sacp_relay_lag_seconds', help: 'Age in seconds of the oldest event not yet published', registers: [metricsRegistry] }),
  reconcilePassDuration: new Histogram({ name: 'sacp_reconcile_pass_duration_seconds', help: 'Duration of one reconcile pass', buckets: SECONDS, registers: [metricsRegistry] }),
  /** Events in the store a projection has not applied yet. */
  projectorLagEvents: new Gauge({
    name: 'sacp_projector_lag_events',
    help: 'Events not yet applied by a projection',
    labelNames: ['projection'] as const,
    registers: [metricsRegistry],
  }),
  agents: new Gauge({ name: 'sacp_agents', help: 'Agents by state', labelNames: ['state'] as const, registers: [metricsRegistry] }),
  volumesOrphaned: new Gauge({
    name: 'sacp_volumes_orphaned',
    help: "Volumes of this control plane whose agent no longer exists (kept, never removed by themselves; see 'sacp volumes')",
    registers: [metricsRegistry],
  }),
  monitorPassDuration: new Histogram({
    name: 'sacp_monitor_pass_duration_seconds',
    help: 'Duration of one monitor pass, by pass (health, resources, thresholds, idle, recovery)',
    labelNames: ['pass'] as const,
    buckets: SECONDS,
    registers: [metricsRegistry],
  }),
  /** WebSocket clients connected to the API's live feed (`/api/v1/live`). */
  liveConnections: new Gauge({ name: 'sacp_live_connections', help: 'WebSocket clients connected to /api/v1/live', registers: [metricsRegistry] }),
  /** Messages sent to live clients, by message type (hello, event, alert, resource, resync, error). */
  liveMessages: new Counter({
    name: 'sacp_live_messages_total',
    help: 'Messages sent to live WebSocket clients, by type',
    labelNames: ['type'] as const,
    registers: [metricsRegistry],
  }),
  /** Live clients sent a resync and closed, by reason (slow-consumer, unknown-position, too-far-behind, ...). */
  liveResyncs: new Counter({
    name: 'sacp_live_resyncs_total',
    help: 'Live WebSocket clients told to resync, by reason',
    labelNames: ['reason'] as const,
    registers: [metricsRegistry],
  }),
  /** Bytes queued for live clients and not yet written to their sockets (all connections). */
  liveBufferedBytes: new Gauge({ name: 'sacp_live_buffered_bytes', help: 'Bytes queued for live WebSocket clients, not yet written', registers: [metricsRegistry] }),
} as const;

/** Times `fn` into `histogram` (with `labels`), whether it succeeds or throws. */
export async function timed<T>(histogram: Histogram<string>, labels: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const end = histogram.startTimer(labels);
  try {
    return await fn();
  } finally {
    end();
  }
}
