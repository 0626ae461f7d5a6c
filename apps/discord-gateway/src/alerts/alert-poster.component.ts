import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { NATS } from '@sacp/bus';
import { JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import { DiscordBot } from '../bot/discord-bot';
import type { DiscordGatewayConfig } from '../config';
import { AlertPoster } from './alert-poster';
import { ChannelSink, parseWebhookUrl, WebhookSink, type AlertSink } from './alert-sinks';

/**
 * Posts the monitor's alerts to Discord when an alert webhook or an alert channel is
 * configured: through the webhook (no bot needed), else as the bot in the channel. It
 * depends on the bot, so it starts after the bot has logged in and stops before it.
 */
@Injectable()
export class AlertPosterComponent implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private poster: AlertPoster | null = null;
  private sink: AlertSink | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: DiscordGatewayConfig,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(DiscordBot) private readonly bot: DiscordBot,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const c = this.config;
    if (c.alertWebhookUrl) this.sink = new WebhookSink(parseWebhookUrl(c.alertWebhookUrl));
    else if (c.DISCORD_ALERT_CHANNEL_ID) {
      if (!this.bot.client) this.log.error('DISCORD_ALERT_CHANNEL_ID is set but the bot is off: alerts need a token, or DISCORD_ALERT_WEBHOOK_URL');
      else this.sink = new ChannelSink(this.bot.client, c.DISCORD_ALERT_CHANNEL_ID);
    }
    if (!this.sink) return;
    this.poster = new AlertPoster({
      nc: this.nc,
      log: this.log,
      instance: c.SACP_INSTANCE,
      sink: this.sink,
      burstWindowMs: c.DISCORD_ALERT_BURST_WINDOW_MS,
      burstThreshold: c.DISCORD_ALERT_BURST_THRESHOLD,
      mentionRoleId: c.DISCORD_ALERT_MENTION_ROLE_ID ?? null,
    });
    await this.poster.start();
    this.log.info('posting alerts to Discord', { via: c.alertWebhookUrl ? 'webhook' : 'channel', channel: c.DISCORD_ALERT_CHANNEL_ID ?? null });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.poster?.stop();
    await this.sink?.close?.();
  }
}
