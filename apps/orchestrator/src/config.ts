import { z } from 'zod';
import { CommonConfigShape, millis, port, readConfig } from '../../../libs/platform/src/config';

const OrchestratorConfigSchema = z.object({
  ...CommonConfigShape,
  ORCHESTRATOR_HTTP_PORT: port(3101),
  /** how often the full level-triggered pass compares every agent with Docker */
  SACP_RECONCILE_INTERVAL_MS: millis(5000),
  /** how often the relay and projector poll when no notification arrives */
  SACP_POLL_INTERVAL_MS: millis(1000),
  /** Docker's event stream is a hint for faster reaction; off, the periodic pass alone converges */
  SACP_WATCH_DOCKER_EVENTS: z.enum(['true', 'false']).default('true'),
  /** comma-separated host paths templates may mount */
  SACP_ALLOWED_HOST_PATHS: z.string().default(''),
  SACP_ALLOWED_NETWORKS: z.string().default(''),
  /**
   * how long a container with this control plane's labels but no agent in the store
   * stays quarantined (stopped, renamed sacp-quarantined-…) before it is removed;
   * `sacp quarantine rm` removes one sooner. Default one week.
   */
  SACP_QUARANTINE_GRACE_MS: z.coerce.number().int().min(0).max(365 * 24 * 3_600_000).default(7 * 24 * 3_600_000),
  /**
   * the compose project the control plane's own containers belong to; adopt refuses
   * its containers (besides any carrying the sacp.component label)
   */
  SACP_COMPOSE_PROJECT: z.string().default(''),
  /** base64 of 32 bytes; encrypts secret values at rest */
  SACP_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'expected 32 bytes, base64-encoded (openssl rand -base64 32)')
    .optional(),
});

export type OrchestratorConfig = z.infer<typeof OrchestratorConfigSchema>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): OrchestratorConfig =>
  readConfig('orchestrator', OrchestratorConfigSchema, env);

export const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
