import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '../config';
import { JsonLogger } from '../logger';

export interface ServiceDefinition<C extends { LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error'; SACP_INSTANCE: string }> {
  service: string;
  loadConfig: () => C;
  module: (config: C, log: JsonLogger) => unknown;
  port: (config: C) => number;
  host?: (config: C) => string;
}

/**
 * Starts one service: configuration read once (exit 78 naming every bad key), JSON
 * logs, graceful shutdown on SIGTERM, and an HTTP listener for health and the API.
 */
export function runService<C extends { LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error'; SACP_INSTANCE: string }>(d: ServiceDefinition<C>): void {
  const main = async () => {
    let config: C;
    try {
      config = d.loadConfig();
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`${err.message}\n`);
        process.exit(78); // EX_CONFIG
      }
      throw err;
    }
    const log = new JsonLogger(d.service, config.LOG_LEVEL);
    const app = await NestFactory.create(d.module(config, log) as never, { logger: log, abortOnError: false });
    app.enableShutdownHooks();
    const host = d.host?.(config) ?? '127.0.0.1';
    await app.listen(d.port(config), host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : d.port(config);
    log.info(`${d.service} listening`, { health: `http://${host}:${port}/health/ready`, instance: config.SACP_INSTANCE });
  };
  main().catch((err) => {
    process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), level: 'error', service: d.service, msg: 'failed to start', error: (err as Error).message })}\n`);
    process.exit(1);
  });
}
