import { z } from 'zod';
import { CommonConfigShape, millis, port, readConfig } from '@sacp/platform';

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

const perMinute = (fallback: number) => z.coerce.number().int().min(1).max(100_000).default(fallback);

const ApiConfigSchema = z.object({
  ...CommonConfigShape,
  API_HTTP_PORT: port(3100),
  /** loopback by default; every route but health, metrics and sign-in needs a credential, but put TLS in front before exposing it */
  API_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:-]+$/, 'an address or host name, e.g. 127.0.0.1 or 0.0.0.0')
    .default('127.0.0.1'),
  /** how long a REST request waits for the orchestrator's reply on NATS */
  API_BUS_TIMEOUT_MS: millis(5000),
  /** a session cookie is marked Secure (sent over HTTPS only); false only for plain HTTP on loopback */
  API_COOKIE_SECURE: flag(true),
  /** how long a dashboard session lasts after sign-in */
  API_SESSION_TTL_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .max(30 * 86_400_000)
    .default(12 * 3_600_000),
  /** sign-in attempts per minute from one address (per replica) */
  API_SIGNIN_LIMIT_PER_MINUTE: perMinute(10),
  /** commands per minute from one user or token (per replica) */
  API_COMMAND_LIMIT_PER_MINUTE: perMinute(120),
  /** the largest JSON body accepted */
  API_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(256 * 1024),
  /** the first admin, added on start when no user exists yet (with SACP_ADMIN_PASSWORD_FILE) */
  SACP_ADMIN_USER: z.string().min(1).max(64).optional(),
  /** a file holding the first admin's password (12 characters or more) */
  SACP_ADMIN_PASSWORD_FILE: z.string().min(1).optional(),
});

export type ApiConfig = z.infer<typeof ApiConfigSchema>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): ApiConfig => readConfig('api', ApiConfigSchema, env);
