import { z } from 'zod';

const SecretRefSchema = z.object({ secretRef: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/, 'secret names use a-z, 0-9, "_", "." and "-"') }).strict();
export type SecretRef = z.infer<typeof SecretRefSchema>;

const EnvValueSchema = z.union([z.string(), SecretRefSchema], {
  error: 'expected a string, or { "secretRef": "<name>" } for a secret (secrets are never written in templates)',
});

/** "512m", "1g", "256k" or a number of bytes */
const MemorySchema = z.union([z.number().int().positive(), z.string().regex(/^\d+(\.\d+)?\s*[kmg]i?b?$/i, 'expected a size like "256m" or "1g"')]);

const BackoffSchema = z
  .object({
    initialMs: z.number().int().min(100).max(3_600_000).default(1000),
    maxMs: z.number().int().min(100).max(86_400_000).default(60_000),
    multiplier: z.number().min(1).max(10).default(2),
    jitter: z.number().min(0).max(1).default(0.2),
  })
  .strict();

const RestartPolicySchema = z
  .object({
    mode: z.enum(['never', 'on-failure', 'always']).default('on-failure'),
    maxAttempts: z.number().int().min(0).max(1000).default(5),
    windowSeconds: z.number().int().min(1).max(86_400).default(600),
    resetAfterSeconds: z.number().int().min(1).max(86_400).default(300),
    backoff: BackoffSchema.default({ initialMs: 1000, maxMs: 60_000, multiplier: 2, jitter: 0.2 }),
  })
  .strict();

const ProbeTimingShape = {
  intervalSeconds: z.number().min(1).max(3600).default(10),
  timeoutSeconds: z.number().min(1).max(600).default(5),
  retries: z.number().int().min(1).max(100).default(3),
  startPeriodSeconds: z.number().min(0).max(3600).default(5),
};

const HealthCheckSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('docker'), ...ProbeTimingShape }).strict(),
  z.object({ type: z.literal('command'), command: z.array(z.string().min(1)).min(1), ...ProbeTimingShape }).strict(),
  z
    .object({
      type: z.literal('http'),
      port: z.number().int().min(1).max(65535),
      path: z.string().startsWith('/').default('/health'),
      ...ProbeTimingShape,
    })
    .strict(),
]);

const VolumeSchema = z.union([
  z
    .object({
      name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'volume names use a-z, 0-9, "_", "." and "-"'),
      target: z.string().startsWith('/', 'the mount target must be an absolute path'),
      readOnly: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      hostPath: z.string().startsWith('/', 'a host path must be absolute'),
      target: z.string().startsWith('/', 'the mount target must be an absolute path'),
      readOnly: z.boolean().default(true),
    })
    .strict(),
]);

export const TemplateSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'template names use a-z, 0-9, "_" and "-"'),
    description: z.string().max(500).default(''),
    image: z.string().min(1).max(300),
    command: z.array(z.string()).min(1).optional(),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment names use letters, digits and "_"'), EnvValueSchema).default({}),
    resources: z
      .object({
        memory: MemorySchema.default('512m'),
        cpus: z.number().min(0.01).max(64).default(1),
        pids: z.number().int().min(8).max(32_768).default(256),
      })
      .strict()
      .default({ memory: '512m', cpus: 1, pids: 256 }),
    restartPolicy: RestartPolicySchema.default({
      mode: 'on-failure',
      maxAttempts: 5,
      windowSeconds: 600,
      resetAfterSeconds: 300,
      backoff: { initialMs: 1000, maxMs: 60_000, multiplier: 2, jitter: 0.2 },
    }),
    idleTimeoutSeconds: z.number().int().min(5).max(604_800).nullable().default(null),
    healthCheck: HealthCheckSchema.nullable().default(null),
    volumes: z.array(VolumeSchema).default([]),
    /**
     * The agent's workspace volume (made, labelled and kept by the control plane):
     * absent means the default, a volume "workspace" at /workspace; `false` opts out;
     * `{ target }` mounts it elsewhere. Optional without a default, so templates that do
     * not mention it keep their content hash (and version).
     */
    workspace: z
      .union([z.literal(false), z.object({ target: z.string().startsWith('/', 'the workspace target must be an absolute path').default('/workspace') }).strict()])
      .optional(),
    ports: z.array(z.object({ container: z.number().int().min(1).max(65535), host: z.number().int().min(0).max(65535).default(0) }).strict()).default([]),
    network: z.string().min(1).default('bridge'),
    security: z
      .object({
        privileged: z.boolean().default(false),
        capAdd: z.array(z.string().regex(/^[A-Z_]+$/, 'capabilities are upper-case names like NET_BIND_SERVICE')).default([]),
        readOnlyRootfs: z.boolean().default(false),
        user: z.string().min(1).optional(),
      })
      .strict()
      .default({ privileged: false, capAdd: [], readOnlyRootfs: false }),
    stopTimeoutSeconds: z.number().int().min(0).max(300).default(10),
    /** resource alert thresholds for this template's agents, overriding the monitor's defaults */
    alerts: z
      .object({
        /** % of the memory limit */
        memoryPercent: z.number().min(1).max(100).optional(),
        /** % of the CPU limit, averaged over one sample interval */
        cpuPercent: z.number().min(1).max(100).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export type Template = z.infer<typeof TemplateSchema>;
export type TemplateHealthCheck = NonNullable<Template['healthCheck']>;
export type TemplateVolume = Template['volumes'][number];
