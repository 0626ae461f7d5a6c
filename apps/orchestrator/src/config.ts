import { z } from 'zod';
import { CommonConfigShape, millis, port, readConfig } from '../../../libs/platform/src/config';

const OrchestratorConfigSchema = z.object({
  ...CommonConfigShape,
  ORCHESTRATOR_HTTP_PORT: port(3101),
  /** how often the full level-triggered pass compares every agent with Docker */
  SACP_RECONCILE_INTERVAL_MS: millis(5000),
  /** a Docker operation that keeps failing is retried with exponential back-off, then waits for an operator after this many failed attempts */
  SACP_OPERATION_RETRY_LIMIT: z.coerce.number().int().min(1).max(100).default(5),
  SACP_OPERATION_RETRY_INITIAL_MS: millis(5000),
  SACP_OPERATION_RETRY_MAX_MS: millis(300_000),
  SACP_OPERATION_RETRY_MULTIPLIER: z.coerce.number().min(1).max(10).default(2),
  /** how often the relay and projector poll when no notification arrives */
  SACP_POLL_INTERVAL_MS: millis(1000),
  /** Docker's event stream is a hint for faster reaction; off, the periodic pass alone converges */
  SACP_WATCH_DOCKER_EVENTS: z.enum(['true', 'false']).default('true'),
  /** comma-separated host paths templates may mount */
  SACP_ALLOWED_HOST_PATHS: z.string().default(''),
  SACP_ALLOWED_NETWORKS: z.string().default(''),
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
