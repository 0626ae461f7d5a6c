/*
 * Sends one alert post until Discord accepts it. discord.js already waits out 429s;
 * any other failure is retried with back-off, so an outage of Discord delays alerts
 * but loses none. A destination that answers 403 or 404 (channel deleted, access or
 * permission taken away, webhook deleted) will not take this alert however often it
 * is sent: it is logged (what to fix), counted and dropped, so it never holds back the
 * alerts after it. So is a message Discord refuses even in its plain-text form (400).
 */
import { DiscordAPIError } from 'discord.js';
import type { JsonLogger } from '@sacp/platform';
import { plainFallback, type AlertPost } from './alert-format';
import type { AlertSink } from './alert-sinks';

/** What became of a post: accepted, refused for good (dropped), or given back because the poster is stopping. */
export type Delivery = 'sent' | 'dropped' | 'stopped';

export interface AlertDeliveryOptions {
  sink: AlertSink;
  log: JsonLogger;
  /** the consumer's name, on every log line */
  consumer: string;
  /** first retry delay after a failed send, doubled up to retryMaxMs */
  retryInitialMs: number;
  retryMaxMs: number;
  stopping: () => boolean;
  /** a pause that ends early when the poster stops */
  sleep: (ms: number) => Promise<void>;
}

export class AlertDelivery {
  /** Discord messages sent so far */
  sent = 0;
  /** alerts dropped because the destination refused them for good */
  dropped = 0;

  constructor(private readonly o: AlertDeliveryOptions) {}

  async deliver(post: AlertPost): Promise<Delivery> {
    const { log, consumer } = this.o;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.o.sink.send(post.message);
        this.sent++;
        return 'sent';
      } catch (err) {
        const status = err instanceof DiscordAPIError ? err.status : undefined;
        const code = err instanceof DiscordAPIError ? err.code : undefined;
        if (status === 400 && !post.fallback) {
          // Discord refused the body: say it in plain words instead (always valid)
          log.error('Discord refused an alert message; sending a plain-text version', { consumer, alerts: post.alerts, status, code, error: err });
          post = { ...post, message: plainFallback(post), fallback: true };
          continue;
        }
        if (status === 403 || status === 404 || status === 400) {
          // retrying cannot help: report it, drop these alerts, go on with the next ones
          this.dropped += post.alerts;
          log.error(`alerts dropped: ${refusalNote(status, code)}`, {
            consumer,
            alerts: post.alerts,
            seqs: post.seqs,
            status,
            code,
            discordMessage: err instanceof Error ? err.message : String(err),
            droppedSoFar: this.dropped,
          });
          return 'dropped';
        }
        if (this.o.stopping()) {
          log.warn('could not post alerts to Discord; handed back on stop', { consumer, alerts: post.alerts, attempt, status, code, error: err });
          return 'stopped';
        }
        const retryInMs = Math.min(this.o.retryMaxMs, this.o.retryInitialMs * 2 ** Math.min(attempt - 1, 20));
        log.warn('could not post alerts to Discord; will retry', { consumer, alerts: post.alerts, attempt, retryInMs, status, code, error: err });
        await this.o.sleep(retryInMs);
        if (this.o.stopping()) return 'stopped';
      }
    }
  }
}

/** What a refusal that retrying cannot fix means, and what to do about it. */
function refusalNote(status: number, code: number | string | undefined): string {
  if (code === 10003) return 'the alert channel does not exist (deleted?): set DISCORD_ALERT_CHANNEL_ID to a channel the bot can post in';
  if (code === 10015) return 'the alert webhook does not exist (deleted?): set DISCORD_ALERT_WEBHOOK_URL to a current one';
  if (status === 403) return 'the bot may not post in the alert channel: give it View Channel, Send Messages and Embed Links there, or change DISCORD_ALERT_CHANNEL_ID';
  if (status === 404) return 'the alert destination is not found (channel or webhook deleted): fix DISCORD_ALERT_CHANNEL_ID or DISCORD_ALERT_WEBHOOK_URL';
  return 'Discord refused the alert message even in plain text';
}
