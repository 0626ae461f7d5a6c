import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSealingKey, sealSecret } from '@sacp/platform';
import { DiscordStandIn, type DiscordStandInOptions, type InteractionRecord, type Json, type SlashOptions } from './discord-stand-in';
import { TestControlPlane, type ControlPlaneOptions } from './control-plane';
import { REPO_ROOT, type ServiceProcess } from './service-process';

export const PRODUCT_CONFIG_DIR = resolve(REPO_ROOT, 'configs');

type Embed = { title?: string; description?: string; fields?: { name: string; value: string }[]; footer?: { text: string } };

/** Everything a user can read in a message: content, embed titles, descriptions, fields and footers. */
export function textOf(m: Json | undefined | null): string {
  if (!m) return '';
  const embeds = ((m.embeds as Embed[] | undefined) ?? []).map((e) =>
    [e.title, e.description, ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text].filter(Boolean).join('\n'),
  );
  return [m.content as string | undefined, ...embeds].filter(Boolean).join('\n');
}

/**
 * A control plane, the Discord stand-in and the real discord-gateway process between
 * them, with the bot's token sealed in a file (the way operators are told to run it).
 */
export class BotHarness {
  readonly standIn: DiscordStandIn;
  readonly cp: TestControlPlane;
  gateway!: ServiceProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'sacp-bot-'));

  constructor(
    private readonly o: {
      controlPlane?: ControlPlaneOptions;
      standIn?: DiscordStandInOptions;
      gatewayEnv?: Record<string, string> | ((h: BotHarness) => Record<string, string>);
    } = {},
  ) {
    this.standIn = new DiscordStandIn({ heartbeatIntervalMs: 1000, ...o.standIn });
    this.cp = new TestControlPlane({ configDir: PRODUCT_CONFIG_DIR, ...o.controlPlane });
  }

  get guildId(): string {
    return this.standIn.idx.guild('ops').id;
  }
  channelId(name = 'control'): string {
    return this.standIn.idx.channel(name).id;
  }
  userId(name: string): string {
    return this.standIn.idx.user(name).id;
  }

  /** The gateway's environment: stand-in URLs, sealed token, role mapping, alert channel. */
  gatewayEnv(extra: Record<string, string> = {}): Record<string, string> {
    const key = generateSealingKey();
    const keyFile = join(this.dir, 'token.key');
    const tokenFile = join(this.dir, 'token.sealed');
    writeFileSync(keyFile, `${key}\n`);
    writeFileSync(tokenFile, sealSecret(this.standIn.token, key));
    chmodSync(keyFile, 0o600);
    chmodSync(tokenFile, 0o600);
    const role = (n: string) => this.standIn.idx.role(n).id;
    return {
      DISCORD_TOKEN_FILE: tokenFile,
      DISCORD_TOKEN_KEY_FILE: keyFile,
      DISCORD_API_URL: this.standIn.restUrl,
      DISCORD_ROLES: `admin=${role('admin')};operator=${role('operator')};viewer=${role('viewer')}`,
      DISCORD_ALERT_CHANNEL_ID: this.channelId('alerts'),
      DISCORD_FOLLOW_MS: '45000',
      DISCORD_BUS_RETRY_MS: '30000',
      LOG_LEVEL: 'debug',
      ...(typeof this.o.gatewayEnv === 'function' ? this.o.gatewayEnv(this) : this.o.gatewayEnv),
      ...extra,
    };
  }

  async start(): Promise<this> {
    await this.standIn.start();
    await this.cp.start();
    this.gateway = await this.cp.addDiscordGateway(this.gatewayEnv());
    await this.standIn.waitFor('slash commands registered', () => this.standIn.commands(this.guildId).length >= 12, 20_000);
    return this;
  }

  async stop(): Promise<void> {
    // the gateway's own log, for whoever reads a failure
    if (this.gateway) writeFileSync(join(tmpdir(), `sacp-discord-gateway-${this.cp.instance}.log`), this.gateway.logs);
    await this.cp.stop().catch(() => undefined);
    await this.standIn.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A user writes in #control; returns the message id. */
  say(user: string, content: string, channel = 'control'): string {
    return this.standIn.userMessage({ channel, user, content }).id as string;
  }

  /** The bot's reply to a message (its latest version), if there is one. */
  replyTo(messageId: string): Json | undefined {
    return this.standIn
      .botMessages()
      .filter((m) => (m.message_reference as Json | undefined)?.message_id === messageId)
      .map((m) => this.standIn.message(m.id as string)?.message ?? m)[0];
  }

  /** Every version of the bot's reply to a message, oldest first. */
  replyVersions(messageId: string): string[] {
    const m = this.replyTo(messageId);
    return m ? this.standIn.message(m.id as string)!.versions.map((v) => textOf(v.message)) : [];
  }

  async waitReply(messageId: string, pred: (text: string, m: Json) => boolean, what: string, timeoutMs = 30_000): Promise<Json> {
    return this.standIn.waitFor(
      `a reply to ${messageId} that ${what} (last: ${JSON.stringify(textOf(this.replyTo(messageId))).slice(0, 300)})`,
      () => {
        const m = this.replyTo(messageId);
        return m && pred(textOf(m), m) ? m : undefined;
      },
      timeoutMs,
    );
  }

  /** A direct message to the user whose text satisfies pred. */
  async waitDirectMessage(user: string, pred: (text: string) => boolean, timeoutMs = 15_000): Promise<Json> {
    return this.standIn.waitFor(`a DM to ${user}`, () => this.standIn.directMessagesTo(user).find((m) => pred(textOf(m))), timeoutMs);
  }

  slash(user: string, name: string, options?: SlashOptions, channel = 'control'): InteractionRecord {
    return this.standIn.slashCommand({ channel, user, name, ...(options ? { options } : {}) });
  }

  /** The interaction's response message (latest version). */
  responseOf(id: string): Json | undefined {
    const rec = this.standIn.interaction(id);
    return rec?.originalMessageId ? this.standIn.message(rec.originalMessageId)?.message : undefined;
  }

  async waitResponse(id: string, pred: (text: string, m: Json) => boolean, what: string, timeoutMs = 30_000): Promise<Json> {
    return this.standIn.waitFor(
      `interaction ${id}'s response that ${what} (last: ${JSON.stringify(textOf(this.responseOf(id))).slice(0, 300)})`,
      () => {
        const m = this.responseOf(id);
        return m && pred(textOf(m), m) ? m : undefined;
      },
      timeoutMs,
    );
  }

  /** Ephemeral follow-ups and replies to an interaction (what only the user saw). */
  privateRepliesTo(id: string): string[] {
    const rec = this.standIn.interaction(id);
    if (!rec) return [];
    const ids = [rec.originalMessageId, ...rec.followUpIds].filter((x): x is string => !!x);
    return ids
      .map((m) => this.standIn.message(m))
      .filter((m) => m?.ephemeral)
      .map((m) => textOf(m!.message));
  }

  /** Events of the store whose metadata names this command id. */
  async eventsOfCommand(commandId: string): Promise<{ type: string; actor: Json; source: string; data: Json }[]> {
    const { rows } = await this.cp.pool.query<{ type: string; metadata: { actor: Json; source: string }; data: Json }>(
      `select type, metadata, data from events where metadata->>'commandId' = $1 order by global_position`,
      [commandId],
    );
    return rows.map((r) => ({ type: r.type, actor: r.metadata.actor, source: r.metadata.source, data: r.data }));
  }
}
