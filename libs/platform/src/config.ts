import { accessSync, constants } from 'node:fs';
import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Keys whose values an error never echoes. */
const SECRET_CONFIG_KEY = /token|secret|password|key/i;

/** `postgres://user:pw@host` → `postgres://user:[redacted]@host`: a URL's password is a secret too. */
const withoutUrlPassword = (value: string): string => value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^/?#\s]*@/i, '$1:[redacted]@');

/**
 * Reads the environment against a schema, once. Every missing or invalid key is
 * named in one error, so an operator fixes them all in one go.
 */
export function readConfig<S extends z.ZodObject>(service: string, schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => {
    const key = i.path.join('.');
    const given = env[key];
    if (given === undefined || given === '') return `${key} is not set (${i.message})`;
    // a secret's value is never echoed, not even inside the schema's message
    if (SECRET_CONFIG_KEY.test(key)) return `${key}=[redacted] is invalid: ${given.length >= 4 ? i.message.split(given).join('[redacted]') : i.message}`;
    return `${key}=${JSON.stringify(withoutUrlPassword(given))} is invalid: ${i.message}`;
  });
  throw new ConfigError(`${service} cannot start; fix its environment:\n  - ${problems.join('\n  - ')}`);
}

const readable = (path: string): boolean => {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
};

/** The keys every service shares. */
export const CommonConfigShape = {
  DATABASE_URL: z
    .string({ error: 'the Postgres URL, e.g. postgres://sacp_app:PASSWORD@127.0.0.1:5432/sacp (scripts/services.sh writes it to /var/lib/sacp/postgres/app.env)' })
    .regex(/^postgres(ql)?:\/\//, 'expected postgres://user:password@host:port/database'),
  NATS_URL: z.string({ error: 'the NATS URL, e.g. nats://127.0.0.1:4222' }).regex(/^(nats|tls):\/\/[^,]+(,(nats|tls):\/\/[^,]+)*$/, 'expected nats://host:port'),
  /** this service's own bus credential; the server refuses connections without one */
  NATS_CREDENTIALS_FILE: z
    .string({ error: 'the credentials file "sacp bus init" wrote for this service, e.g. /var/lib/sacp/nats/credentials/monitor.json' })
    .min(1)
    .refine(readable, 'cannot read this file: run "sacp bus init" (or scripts/up.sh) to create it, and run the service as its owner'),
  DOCKER_HOST: z
    .string()
    .regex(/^(unix|tcp|http|https):\/\//, 'expected unix:///var/run/docker.sock or tcp://host:port')
    .optional(),
  SACP_CONFIG_DIR: z.string().min(1).default('./configs'),
  SACP_INSTANCE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'lower-case letters, digits, "_", "." and "-"')
    .default('default'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
};

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const millis = (fallback: number) => z.coerce.number().int().min(10).max(3_600_000).default(fallback);
