import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { JsonLogger, CONFIG, LOGGER, NATS, type ServiceReadiness } from '@sacp/platform';
import { AlertPoster } from './alerts/alert-poster';
import { ChannelSink, parseWebhookUrl, WebhookSink, type AlertSink } from './alerts/alert-sinks';
import { CommandRunner } from './bot/command-runner';
import { ControlPlaneClient } from './bot/control-plane.client';
import { DiscordBot } from './bot/discord-bot';
import type { DiscordGatewayConfig } from './config';

/**
 * Starts the bot (when a token is configured) and the alert poster (when an alert
 * channel or webhook is configured), and stops them in the reverse order.
 */
@Injectable()
export class DiscordGatewayRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  bot: DiscordBot | null = null;
  private alerts: AlertPoster | null = null;
  private sink: AlertSink | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: DiscordGatewayConfig,
    @Inject(LOGGER) private readonly log: JsonLogger,
    @Inject(NATS) private readonly nc: NatsConnection,
  ) {}

  readiness(): ServiceReadiness {
    return {
      probes: this.config.botToken ? { discord: () => (this.bot?.connected ? 'ok' : 'not connected to the Discord gateway') } : {},
      details: () => ({ discord: this.config.botToken ? (this.bot?.connected ? 'connected' : 'connecting') : 'disabled: no DISCORD_TOKEN or DISCORD_TOKEN_FILE' }),
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    const c = this.config;
    if (c.botToken) JsonLogger.redactValue(c.botToken);
    let webhook = null;
    if (c.alertWebhookUrl) {
      webhook = parseWebhookUrl(c.alertWebhookUrl);
      JsonLogger.redactValue(webhook.token);
    }
    if (!c.botToken) {
      this.log.warn('no Discord token configured: the bot is off (set DISCORD_TOKEN, or DISCORD_TOKEN_FILE with DISCORD_TOKEN_KEY_FILE)');
    } else {
      const cp = new ControlPlaneClient(this.nc, this.log, { requestTimeoutMs: c.DISCORD_REQUEST_TIMEOUT_MS, retryForMs: c.DISCORD_BUS_RETRY_MS, natsUrl: c.NATS_URL });
      const runner = new CommandRunner(cp, this.nc, this.log, { prefix: c.DISCORD_PREFIX, followMs: c.DISCORD_FOLLOW_MS });
      this.bot = new DiscordBot(
        {
          token: c.botToken,
          apiUrl: c.DISCORD_API_URL,
          gatewayUrl: c.DISCORD_GATEWAY_URL,
          prefix: c.DISCORD_PREFIX,
          roles: c.roles,
          guildIds: c.DISCORD_GUILD_IDS,
          channelIds: c.DISCORD_COMMAND_CHANNEL_IDS,
          registerCommands: c.DISCORD_REGISTER_COMMANDS === 'true',
          confirmations: { max: c.DISCORD_CONFIRM_MAX, perUser: c.DISCORD_CONFIRM_PER_USER },
        },
        runner,
        cp,
        this.log,
      );
      await this.bot.start().catch((err: Error & { code?: string; status?: number }) => {
        if (err.code === 'TokenInvalid' || err.status === 401)
          throw new Error(
            'Discord refused the bot token (401). Check DISCORD_TOKEN or the sealed DISCORD_TOKEN_FILE; reset the token in the Discord Developer Portal (Bot → Reset Token) if it leaked or expired',
          );
        if (err.code === 'DisallowedIntents' || /disallowed intent/i.test(err.message))
          throw new Error('Discord refused the gateway intents: enable "Message Content Intent" for the bot in the Discord Developer Portal (Bot → Privileged Gateway Intents)');
        throw new Error(`cannot connect to Discord at ${c.DISCORD_API_URL}: ${err.message}. Check DISCORD_API_URL and the network`);
      });
    }
    if (webhook) this.sink = new WebhookSink(webhook);
    else if (c.DISCORD_ALERT_CHANNEL_ID) {
      if (!this.bot) this.log.error('DISCORD_ALERT_CHANNEL_ID is set but the bot is off: alerts need a token, or DISCORD_ALERT_WEBHOOK_URL');
      else this.sink = new ChannelSink(this.bot.client, c.DISCORD_ALERT_CHANNEL_ID);
    }
    if (this.sink) {
      this.alerts = new AlertPoster({
        nc: this.nc,
        log: this.log,
        instance: c.SACP_INSTANCE,
        sink: this.sink,
        burstWindowMs: c.DISCORD_ALERT_BURST_WINDOW_MS,
        burstThreshold: c.DISCORD_ALERT_BURST_THRESHOLD,
        mentionRoleId: c.DISCORD_ALERT_MENTION_ROLE_ID ?? null,
      });
      await this.alerts.start();
      this.log.info('posting alerts to Discord', { via: webhook ? 'webhook' : 'channel', channel: c.DISCORD_ALERT_CHANNEL_ID ?? null });
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.alerts?.stop();
    await this.sink?.close?.();
    await this.bot?.stop();
  }
}
