import { z } from 'zod';
import { CommonConfigShape, millis, port, readConfig } from '@sacp/platform';

/** The owning role's URL: migrations run as it, never as the services' role. */
const migrationUrl = z
  .string({ error: 'the Postgres URL of the role that owns the database, e.g. postgres://sacp_owner:PASSWORD@127.0.0.1:5432/sacp' })
  .regex(/^postgres(ql)?:\/\//, 'expected postgres://user:password@host:port/database');

const OrchestratorConfigSchema = z.object({
  ...CommonConfigShape,
  /**
   * When set, the orchestrator migrates with it at start (under the migration lock)
   * and closes that connection; it always runs as DATABASE_URL. scripts/up.sh migrates
   * in a separate step instead, so no long-running process holds the owner's password.
   */
  DATABASE_MIGRATION_URL: migrationUrl.optional(),
  ORCHESTRATOR_HTTP_PORT: port(3101),
  /** how often the full level-triggered pass compares every agent with Docker */
  SACP_RECONCILE_INTERVAL_MS: millis(5000),
  /** a Docker operation that keeps failing is retried with exponential back-off, then waits for an operator after this many failed attempts */
  SACP_OPERATION_RETRY_LIMIT: z.coerce.number().int().min(1).max(100).default(5),
  SACP_OPERATION_RETRY_INITIAL_MS: millis(5000),
  SACP_OPERATION_RETRY_MAX_MS: millis(300_000),
  SACP_OPERATION_RETRY_MULTIPLIER: z.coerce.number().min(1).max(10).default(2),
  /** how long an agent has to accept a task offered to it (starting a stopped agent included) before the attempt ends */
  SACP_TASK_ACCEPT_TIMEOUT_MS: millis(30_000),
  /** an offer nobody answered is sent again this often until the accept timeout */
  SACP_TASK_OFFER_RETRY_MS: millis(2000),
  /** how often the relay and projector poll when no notification arrives */
  SACP_POLL_INTERVAL_MS: millis(1000),
  /** Docker's event stream is a hint for faster reaction; off, the periodic pass alone converges */
  SACP_WATCH_DOCKER_EVENTS: z.enum(['true', 'false']).default('true'),
  /** comma-separated host paths templates may mount */
  SACP_ALLOWED_HOST_PATHS: z.string().default(''),
  SACP_ALLOWED_NETWORKS: z.string().default(''),
  /** comma-separated capabilities templates may add back (replaces the default NET_BIND_SERVICE,CHOWN) */
  SACP_ALLOWED_CAPABILITIES: z
    .string()
    .regex(/^[A-Za-z_, ]*$/, 'comma-separated capability names, e.g. NET_BIND_SERVICE,CHOWN')
    .optional(),
  /** comma-separated template names whose containers may run as root */
  SACP_ALLOW_ROOT_TEMPLATES: z.string().default(''),
  /** host ports templates may publish; never below 1024 nor the control plane's own ports */
  SACP_HOST_PORT_RANGE: z
    .string()
    .default('20000-29999')
    .refine((v) => {
      const m = /^(\d+)-(\d+)$/.exec(v.trim());
      return !!m && Number(m[1]) >= 1024 && Number(m[1]) <= Number(m[2]) && Number(m[2]) <= 65535;
    }, 'expected "<first>-<last>" within 1024-65535, e.g. 20000-29999 (ports below 1024 are never published)'),
  /** caps on template limits; the host's own memory and CPU count cap them too */
  SACP_MAX_MEMORY: z
    .string()
    .regex(/^\d+(\.\d+)?\s*[kmg]i?b?$/i, 'expected a size like "8g"')
    .optional(),
  SACP_MAX_CPUS: z.coerce.number().positive().optional(),
  SACP_MAX_PIDS: z.coerce.number().int().min(8).max(4_194_304).default(32_768),
  /**
   * how long a container with this control plane's labels but no agent in the store
   * stays quarantined (stopped, renamed sacp-quarantined-…) before it is removed;
   * `sacp quarantine rm` removes one sooner. Default one week.
   */
  SACP_QUARANTINE_GRACE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(365 * 24 * 3_600_000)
    .default(7 * 24 * 3_600_000),
  /**
   * the compose project the control plane's own containers belong to; adopt refuses
   * its containers (besides any carrying the sacp.component label)
   */
  SACP_COMPOSE_PROJECT: z.string().default(''),
  /**
   * volume sizes come from Docker's disk-usage report, which walks every volume (seconds
   * on a big host): one measurement at a time, reused for this long, and a \`volume.list\`
   * waits at most SACP_VOLUME_SIZES_WAIT_MS for a fresh one (else it answers with the last)
   */
  SACP_VOLUME_SIZES_TTL_MS: millis(60_000),
  SACP_VOLUME_SIZES_WAIT_MS: millis(3_000),
  /**
   * agent protocol: the directory "sacp bus init" writes (nats-server.conf, credentials/,
   * nats-server.pid). Set, every agent container gets its own NATS credential
   * (SACP_BUS_URL/USER/PASSWORD); the orchestrator adds it there and reloads nats-server.
   * Unset, agents get no bus credential.
   */
  SACP_NATS_DIR: z.string().optional(), // empty: off, as unset
  /** the agent bus gateway's port, on the gateway address of each network agents use (see agent-bus/bus-gateway.ts) */
  SACP_AGENT_BUS_PORT: port(4222),
  SACP_AGENT_BUS_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(1024),
  /** how often a replica tries again to serve a gateway address another replica held, or a new network */
  SACP_AGENT_BUS_RETRY_MS: millis(15_000),
  /** base64 of 32 bytes; encrypts secret values at rest */
  SACP_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'expected 32 bytes, base64-encoded (openssl rand -base64 32)')
    .optional(),
});

export type OrchestratorConfig = z.infer<typeof OrchestratorConfigSchema>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): OrchestratorConfig => readConfig('orchestrator', OrchestratorConfigSchema, env);

export const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const MigrationConfigSchema = z.object({
  DATABASE_MIGRATION_URL: migrationUrl,
  LOG_LEVEL: CommonConfigShape.LOG_LEVEL,
});

export type MigrationConfig = z.infer<typeof MigrationConfigSchema>;

/** The one-shot migration step (dist/apps/orchestrator/migrate.js): only the owner's URL. */
export const loadMigrationConfig = (env: NodeJS.ProcessEnv = process.env): MigrationConfig => readConfig('migrate', MigrationConfigSchema, env);
