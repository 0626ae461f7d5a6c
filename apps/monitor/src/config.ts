import { z } from 'zod';
import { CommonConfigShape, port, readConfig } from '../../../libs/platform/src/config';

const MonitorConfigSchema = z.object({
  ...CommonConfigShape,
  MONITOR_HTTP_PORT: port(3102),
});

export type MonitorConfig = z.infer<typeof MonitorConfigSchema>;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): MonitorConfig => readConfig('monitor', MonitorConfigSchema, env);
