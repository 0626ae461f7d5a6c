/*
 * The Discord gateway service: the bot (prefix and slash commands turned into NATS
 * commands, role checks, confirmations, replies) and the alert poster, plus health
 * (GET /health/live, GET /health/ready, which includes the Discord connection).
 */
import { Module } from '@nestjs/common';
import { type JsonLogger, coreProviders, provide, HealthController, READINESS } from '@sacp/platform';
import type { DiscordGatewayConfig } from './config';
import { DiscordGatewayRuntime } from './discord-gateway.runtime';

export function discordGatewayModule(config: DiscordGatewayConfig, log: JsonLogger) {
  @Module({
    controllers: [HealthController],
    providers: [
      ...coreProviders('discord-gateway', config, log, { postgres: false }),
      DiscordGatewayRuntime,
      provide(READINESS, [DiscordGatewayRuntime], (r: DiscordGatewayRuntime) => r.readiness()),
    ],
  })
  class DiscordGatewayModule {}
  return DiscordGatewayModule;
}
