import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '../../../libs/platform/src/config';
import { JsonLogger } from '../../../libs/platform/src/logger';
import { loadConfig, type DiscordGatewayConfig } from './config';
import { discordGatewayModule } from './discord-gateway.module';

async function main(): Promise<void> {
  let config: DiscordGatewayConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const log = new JsonLogger('discord-gateway', config.LOG_LEVEL);
  const app = await NestFactory.create(discordGatewayModule(config, log), { logger: log, abortOnError: false });
  app.enableShutdownHooks();
  await app.listen(config.DISCORD_GATEWAY_HTTP_PORT, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.DISCORD_GATEWAY_HTTP_PORT;
  log.info('discord-gateway listening', { health: `http://127.0.0.1:${port}/health/ready`, instance: config.SACP_INSTANCE });
}

main().catch((err) => {
  process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), level: 'error', service: 'discord-gateway', msg: 'failed to start', error: (err as Error).message })}\n`);
  process.exit(1);
});
