/*
 * The Discord gateway service, as it stands: it connects to Postgres and NATS and
 * reports whether it can reach them (GET /health/live, GET /health/ready). It does
 * not connect to Discord yet: the bot (slash commands and buttons turned into NATS
 * commands, role mapping, replies) arrives with its own issue.
 */
import { Module } from '@nestjs/common';
import type { JsonLogger } from '../../../libs/platform/src/logger';
import { coreProviders } from '../../../libs/platform/src/nest/core-providers';
import { HealthController } from '../../../libs/platform/src/nest/health.controller';
import type { DiscordGatewayConfig } from './config';

export function discordGatewayModule(config: DiscordGatewayConfig, log: JsonLogger) {
  @Module({
    controllers: [HealthController],
    providers: coreProviders('discord-gateway', config, log),
  })
  class DiscordGatewayModule {}
  return DiscordGatewayModule;
}
