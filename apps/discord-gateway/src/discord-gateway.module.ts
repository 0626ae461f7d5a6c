/*
 * The Discord gateway service: the bot (prefix and slash commands turned into NATS
 * commands, role checks, confirmations, replies) and the alert poster, plus health
 * (GET /health/live, GET /health/ready, which includes the Discord connection).
 * Each part is a class provider; the two that run (the bot and the alert poster) own
 * their start and stop.
 */
import { Module } from '@nestjs/common';
import { retryFor } from '@sacp/bus';
import { BusModule } from '@sacp/bus/nest';
import { JsonLogger } from '@sacp/platform';
import { coreProviders, HealthController, READINESS } from '@sacp/platform/nest';
import { AlertPosterComponent } from './alerts/alert-poster.component';
import { parseWebhookUrl } from './alerts/alert-sinks';
import { AgentEvents } from './bot/agent-events';
import { AgentFollower } from './bot/agent-follow';
import { ButtonHandler } from './bot/button-handler';
import { CommandIntake } from './bot/command-intake';
import { CommandRunner } from './bot/command-runner';
import { LogTailer } from './bot/log-tail';
import { TaskCommandRunner } from './bot/task-command-runner';
import { TeamCommandRunner } from './bot/team-command-runner';
import { Confirmations } from './bot/confirmations';
import { DiscordBot } from './bot/discord-bot';
import { InFlight } from './bot/in-flight';
import { StatusReader } from './bot/status-reader';
import type { DiscordGatewayConfig } from './config';

export function discordGatewayModule(config: DiscordGatewayConfig, log: JsonLogger) {
  // the secrets in the configuration never reach a log line, whoever writes it
  if (config.botToken) JsonLogger.redactValue(config.botToken);
  if (config.alertWebhookUrl) JsonLogger.redactValue(parseWebhookUrl(config.alertWebhookUrl).token);

  @Module({
    imports: [
      BusModule.forRoot({
        service: 'discord-gateway',
        url: config.NATS_URL,
        credentialsFile: config.NATS_CREDENTIALS_FILE,
        log: (l, m, x) => log.write(l, m, x),
        // a command keeps its id across retries, so retrying while NATS or the orchestrator is away can never run it twice
        client: { requestTimeoutMs: config.DISCORD_REQUEST_TIMEOUT_MS, retry: retryFor(config.DISCORD_BUS_RETRY_MS) },
      }),
    ],
    controllers: [HealthController],
    providers: [
      ...coreProviders('discord-gateway', config, log, { postgres: false, nats: false }),
      InFlight,
      AgentEvents,
      StatusReader,
      AgentFollower,
      LogTailer,
      CommandRunner,
      TeamCommandRunner,
      TaskCommandRunner,
      Confirmations,
      CommandIntake,
      ButtonHandler,
      DiscordBot,
      AlertPosterComponent,
      { provide: READINESS, useExisting: DiscordBot },
    ],
  })
  class DiscordGatewayModule {}
  return DiscordGatewayModule;
}
