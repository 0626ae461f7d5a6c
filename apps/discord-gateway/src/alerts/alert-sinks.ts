/*
 * Where alert messages go: a channel the bot can write to (through the bot's own
 * discord.js client) or an incoming webhook (no bot needed). Both go through
 * discord.js REST, which already waits out HTTP 429 / Retry-After and obeys the
 * X-RateLimit-* headers; a send that fails for any other reason rejects, and the
 * poster retries it.
 */
import { Routes, WebhookClient, type APIEmbed, type Client } from 'discord.js';

/** One Discord message, already within Discord's limits. */
export interface AlertMessage {
  content?: string;
  embeds?: APIEmbed[];
  /** nobody is pinged, except the roles listed (the on-call role for critical alerts) */
  allowedMentions?: { parse: []; roles?: string[] };
}

export interface AlertSink {
  /** Resolves once Discord has accepted the message; rejects otherwise. */
  send(message: AlertMessage): Promise<void>;
  /** Releases what the sink holds (a webhook client); the poster does not call it. */
  close?(): Promise<void> | void;
}

/** Posts as the bot into a text channel (needs View Channel, Send Messages, Embed Links). */
export class ChannelSink implements AlertSink {
  constructor(
    private readonly client: Client,
    private readonly channelId: string,
  ) {}

  async send(message: AlertMessage): Promise<void> {
    await this.client.rest.post(Routes.channelMessages(this.channelId), {
      body: {
        ...(message.content !== undefined ? { content: message.content } : {}),
        ...(message.embeds !== undefined ? { embeds: message.embeds } : {}),
        allowed_mentions: message.allowedMentions ?? { parse: [] },
      },
    });
  }
}

export interface WebhookTarget {
  id: string;
  token: string;
  /** discord.js `rest.api`, e.g. https://discord.com/api */
  restApi: string;
}

/** Posts through an incoming webhook. */
export class WebhookSink implements AlertSink {
  private readonly webhook: WebhookClient;

  constructor(target: WebhookTarget) {
    this.webhook = new WebhookClient({ id: target.id, token: target.token }, { rest: { api: target.restApi } });
  }

  async send(message: AlertMessage): Promise<void> {
    await this.webhook.send({
      ...(message.content !== undefined ? { content: message.content } : {}),
      ...(message.embeds !== undefined ? { embeds: message.embeds } : {}),
      allowedMentions: message.allowedMentions ?? { parse: [] },
    });
  }

  close(): void {
    this.webhook.destroy();
  }
}

const WEBHOOK_SHAPE = 'https://discord.com/api/webhooks/<id>/<token>';

/**
 * Splits a webhook URL (https://discord.com/api/webhooks/<id>/<token>, with or without
 * /v10, or any base such as http://127.0.0.1:PORT/api/webhooks/<id>/<token>) into id,
 * token and the REST base discord.js needs. The error never repeats the URL: it holds
 * the token.
 */
export function parseWebhookUrl(url: string): WebhookTarget {
  const bad = () => new Error(`the alert webhook URL must look like ${WEBHOOK_SHAPE} (an http or https URL ending in /webhooks/<numeric id>/<token>)`);
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw bad();
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw bad();
  const m = /^(.*?)\/webhooks\/(\d+)\/([A-Za-z0-9_.-]+)\/?$/.exec(u.pathname);
  if (!m) throw bad();
  const base = m[1]!.replace(/\/v\d+$/, '');
  return { id: m[2]!, token: m[3]!, restApi: `${u.protocol}//${u.host}${base}` };
}
