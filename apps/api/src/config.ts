import { z } from 'zod';
import { CommonConfigShape, millis, port, readConfig } from '@sacp/platform';

const ApiConfigSchema = z.object({
  ...CommonConfigShape,
  API_HTTP_PORT: port(3100),
  /** loopback by default: nothing authenticates requests yet, so do not expose it */
  API_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:-]+$/, 'an address or host name, e.g. 127.0.0.1 or 0.0.0.0')
    .default('127.0.0.1'),
  /** how long a REST request waits for the orchestrator's reply on NATS */
  API_BUS_TIMEOUT_MS: millis(5000),
});

export type ApiConfig = z.infer<typeof ApiConfigSchema>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): ApiConfig => readConfig('api', ApiConfigSchema, env);
