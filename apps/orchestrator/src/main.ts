import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '../../../libs/platform/src/config';
import { JsonLogger } from '../../../libs/platform/src/logger';
import { loadConfig } from './config';
import { orchestratorModule } from './orchestrator.module';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const log = new JsonLogger('orchestrator', config.LOG_LEVEL);
  const app = await NestFactory.create(orchestratorModule(config, log), { logger: log, abortOnError: false });
  app.enableShutdownHooks();
  await app.listen(config.ORCHESTRATOR_HTTP_PORT, '127.0.0.1');
  const address = app.getHttpServer().address();
  log.info('orchestrator listening', { health: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : config.ORCHESTRATOR_HTTP_PORT}/health/ready` });
}

main().catch((err) => {
  process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), level: 'error', service: 'orchestrator', msg: 'failed to start', error: (err as Error).message })}\n`);
  process.exit(1);
});
