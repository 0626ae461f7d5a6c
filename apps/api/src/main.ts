import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '../../../libs/platform/src/config';
import { JsonLogger } from '../../../libs/platform/src/logger';
import { loadConfig, type ApiConfig } from './config';
import { apiModule } from './api.module';

async function main(): Promise<void> {
  let config: ApiConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const log = new JsonLogger('api', config.LOG_LEVEL);
  const app = await NestFactory.create(apiModule(config, log), { logger: log, abortOnError: false });
  app.enableShutdownHooks();
  await app.listen(config.API_HTTP_PORT, config.API_HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.API_HTTP_PORT;
  log.info('api listening', { url: `http://${config.API_HOST}:${port}/api/status`, health: `http://${config.API_HOST}:${port}/health/ready`, instance: config.SACP_INSTANCE });
}

main().catch((err) => {
  process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), level: 'error', service: 'api', msg: 'failed to start', error: (err as Error).message })}\n`);
  process.exit(1);
});
