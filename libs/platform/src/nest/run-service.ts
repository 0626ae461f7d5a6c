import 'reflect-metadata';
import type { Server } from 'node:http';
import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomStrategy } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';
import { ConfigError } from '../config';
import { JsonLogger } from '../logger';
import { ObservabilityModule } from './observability.module';

export interface ServiceDefinition<C extends { LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error'; SACP_INSTANCE: string }> {
  service: string;
  loadConfig: () => C;
  module: (config: C, log: JsonLogger) => unknown;
  port: (config: C) => number;
  host?: (config: C) => string;
  /** the transport of the service's `@MessagePattern` handlers (see busTransport in libs/bus) */
  bus?: (config: C, log: JsonLogger) => CustomStrategy;
  /** the HTTP application's own set-up before it listens (security headers, body limits, OpenAPI, WebSockets) */
  configure?: (app: INestApplication, config: C, log: JsonLogger) => void | Promise<void>;
}

/**
 * Starts one service: configuration read once (exit 78 naming every bad key), JSON
 * logs through pino, GET /metrics, graceful shutdown on SIGTERM, the service's bus
 * handlers (request/reply over NATS), and an HTTP listener for health and the API.
 */
export function runService<C extends { LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error'; SACP_INSTANCE: string }>(d: ServiceDefinition<C>): void {
  let logger: JsonLogger | null = null;
  guardProcess(d.service, () => logger);
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
    logger = log;
    // Nest's own lines during start-up go through the service's logger; once built, through nestjs-pino's (the same pino)
    const app = await NestFactory.create(serviceRoot(d.module(config, log), log), { logger: log, abortOnError: false });
    app.useLogger(app.get(Logger));
    app.enableShutdownHooks();
    await d.configure?.(app, config, log);
    const bus = d.bus?.(config, log);
    if (bus) {
      // a hybrid app: the bus handlers start once every component has started (init runs the bootstrap hooks), before health says ready
      app.connectMicroservice(bus);
      await app.init();
      await app.startAllMicroservices();
    }
    const host = d.host?.(config) ?? '127.0.0.1';
    await app.listen(d.port(config), host);
    const address = (app.getHttpServer() as Server).address();
    const port = typeof address === 'object' && address ? address.port : d.port(config);
    log.info(`${d.service} listening`, { health: `http://${host}:${port}/health/ready`, instance: config.SACP_INSTANCE });
  };
  main().catch((err: unknown) => {
    process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), level: 'error', service: d.service, msg: 'failed to start', error: (err as Error).message })}\n`);
    process.exit(1);
  });
}

/** The service's module beside what every service shares (request logs, /metrics). */
function serviceRoot(service: unknown, log: JsonLogger): Type {
  @Module({ imports: [ObservabilityModule.forRoot(log), service as Type | DynamicModule] })
  class ServiceRoot {}
  return ServiceRoot;
}

/**
 * Last-resort handlers. A rejection nobody awaited is a bug to log, not a reason to
 * drop every request in flight: the service goes on. An uncaught exception leaves the
 * process in an unknown state, so it is logged and the process exits (70, EX_SOFTWARE)
 * for its supervisor to restart it.
 */
export function guardProcess(service: string, logger: () => JsonLogger | null): void {
  const describe = (err: unknown) =>
    err instanceof Error ? { name: err.name, message: err.message, code: (err as { code?: unknown }).code, stack: err.stack } : { message: String(err) };
  const write = (msg: string, err: unknown) => {
    const log = logger();
    if (log) log.error(msg, { error: describe(err) });
    else process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), level: 'error', service, msg, error: describe(err) })}\n`);
  };
  process.on('unhandledRejection', (reason) => write('unhandled promise rejection (the service keeps running)', reason));
  process.on('uncaughtException', (err) => {
    write('uncaught exception; exiting for the supervisor to restart the service', err);
    process.exitCode = 70;
    setTimeout(() => process.exit(70), 100).unref();
  });
}
