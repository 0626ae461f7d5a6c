/*
 * The Discord side: a discord.js client that turns `!` messages, slash commands and
 * buttons into control-plane commands (see CommandIntake). It starts with the service
 * when a token is configured, and stops after the commands in progress are answered.
 */
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import {
  ApplicationCommandOptionType,
  Client,
  GatewayIntentBits,
  Partials,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Guild,
  type Interaction,
  type Message,
} from 'discord.js';
import { SimpleShardingStrategy, type WebSocketManager } from '@discordjs/ws';
import { JsonLogger, type ServiceReadiness } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import type { DiscordGatewayConfig } from '../config';
import { ButtonHandler } from './button-handler';
import { CommandIntake, discordActor } from './command-intake';
import { parsePrefixed, parseSlash } from './command-parser';
import { InFlight } from './in-flight';
import { InteractionResponder, MessageResponder } from './responders';
import { allows } from './roles';
import { registerSlashCommands } from './slash-commands';
import { StatusReader } from './status-reader';

/** Ids seen recently, so a redelivered gateway event is recognised (the command id makes it safe anyway). */
class RecentIds {
  private readonly ids = new Map<string, number>();
  constructor(private readonly max = 20_000) {}
  /** true the first time an id is seen */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.set(id, Date.now());
    if (this.ids.size > this.max) this.ids.delete(this.ids.keys().next().value!);
    return true;
  }
}

@Injectable()
export class DiscordBot implements OnApplicationBootstrap, BeforeApplicationShutdown, ServiceReadiness {
  /** the discord.js client; null when no token is configured (the bot is off) */
  readonly client: Client | null;
  private readonly recent = new RecentIds();
  connected = false;

  constructor(
    @Inject(CONFIG) private readonly config: DiscordGatewayConfig,
    @Inject(CommandIntake) private readonly intake: CommandIntake,
    @Inject(ButtonHandler) private readonly buttons: ButtonHandler,
    @Inject(StatusReader) private readonly reader: StatusReader,
    @Inject(InFlight) private readonly inFlight: InFlight,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {
    this.client = config.botToken ? this.createClient() : null;
  }

  /** Readiness includes the Discord connection when the bot is on. */
  get probes(): ServiceReadiness['probes'] {
    return this.client ? { discord: () => (this.connected ? 'ok' : 'not connected to the Discord gateway') } : {};
  }

  details = () => ({ discord: this.client ? (this.connected ? 'connected' : 'connecting') : 'disabled: no DISCORD_TOKEN or DISCORD_TOKEN_FILE' });

  private createClient(): Client {
    const gatewayUrl = this.config.DISCORD_GATEWAY_URL;
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      partials: [Partials.GuildMember],
      rest: { api: this.config.DISCORD_API_URL },
      ws: gatewayUrl
        ? {
            buildStrategy: (manager: WebSocketManager) => {
              const fetchInfo = manager.fetchGatewayInformation.bind(manager);
              manager.fetchGatewayInformation = async (force?: boolean) => ({ ...(await fetchInfo(force)), url: gatewayUrl });
              return new SimpleShardingStrategy(manager);
            },
          }
        : {},
    });
    client.on('clientReady', () => void this.onReady(client));
    client.on('guildCreate', (g) => void this.registerCommands(client, g));
    client.on('messageCreate', (m) => this.inFlight.track(this.onMessage(m)));
    client.on('interactionCreate', (i) => this.inFlight.track(this.onInteraction(i)));
    client.on('shardDisconnect', (e, shard) => {
      this.connected = false;
      this.log.warn('Discord gateway disconnected', { shard, code: e.code });
    });
    client.on('shardResume', (shard, replayed) => {
      this.connected = true;
      this.log.info('Discord gateway resumed', { shard, replayed });
    });
    client.on('shardReady', () => (this.connected = true));
    client.on('error', (err) => this.log.error('Discord client error', { error: err }));
    client.on('warn', (msg) => this.log.warn('Discord client warning', { message: msg }));
    return client;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.client || !this.config.botToken) {
      this.log.warn('no Discord token configured: the bot is off (set DISCORD_TOKEN, or DISCORD_TOKEN_FILE with DISCORD_TOKEN_KEY_FILE)');
      return;
    }
    await this.client.login(this.config.botToken).catch((err: Error & { code?: string; status?: number }) => {
      if (err.code === 'TokenInvalid' || err.status === 401)
        throw new Error(
          'Discord refused the bot token (401). Check DISCORD_TOKEN or the sealed DISCORD_TOKEN_FILE; reset the token in the Discord Developer Portal (Bot → Reset Token) if it leaked or expired',
        );
      if (err.code === 'DisallowedIntents' || /disallowed intent/i.test(err.message))
        throw new Error('Discord refused the gateway intents: enable "Message Content Intent" for the bot in the Discord Developer Portal (Bot → Privileged Gateway Intents)');
      throw new Error(`cannot connect to Discord at ${this.config.DISCORD_API_URL}: ${err.message}. Check DISCORD_API_URL and the network`);
    });
  }

  /** Lets commands in progress finish (their replies are sent), then disconnects. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.client) return;
    await this.inFlight.settled(10_000);
    await this.client.destroy();
  }

  private async onReady(client: Client): Promise<void> {
    this.connected = true;
    this.log.info('connected to Discord', { user: client.user?.tag, guilds: client.guilds.cache.size });
    await Promise.all(client.guilds.cache.map((g) => this.registerCommands(client, g)));
  }

  private async registerCommands(client: Client, guild: Guild): Promise<void> {
    if (this.config.DISCORD_REGISTER_COMMANDS === 'true' && this.serves(guild.id)) await registerSlashCommands(client, guild, this.log);
  }

  private listensIn(channelId: string | null): boolean {
    const ids = this.config.DISCORD_COMMAND_CHANNEL_IDS;
    return ids.length === 0 || (channelId !== null && ids.includes(channelId));
  }

  private serves(guildId: string | null): boolean {
    const ids = this.config.DISCORD_GUILD_IDS;
    return guildId !== null && (ids.length === 0 || ids.includes(guildId));
  }

  private async onMessage(message: Message): Promise<void> {
    if (message.author.bot || !message.inGuild() || !this.serves(message.guildId)) return;
    // outside the command channels a message is ordinary chat, whatever it starts with
    if (!this.listensIn(message.channelId)) return;
    const parsed = parsePrefixed(message.content, this.config.DISCORD_PREFIX);
    if (!parsed) return;
    if (!this.recent.add(`m${message.id}`)) return;
    const started = Date.now();
    let member = message.member;
    if (!member) member = await message.guild.members.fetch(message.author.id).catch(() => null);
    await this.intake.handle(parsed, {
      originId: message.id,
      userId: message.author.id,
      member,
      actor: discordActor(member, message.author),
      source: `discord:${message.guildId}/${message.channelId}`,
      responder: new MessageResponder(message, this.log),
      started,
    });
  }

  private async onInteraction(interaction: Interaction): Promise<void> {
    if (!interaction.inGuild() || !this.serves(interaction.guildId)) return;
    if (!this.recent.add(`i${interaction.id}`)) {
      this.log.info('interaction delivered again; already handled', { interaction: interaction.id });
      return;
    }
    if (interaction.isAutocomplete()) return this.onAutocomplete(interaction);
    if (interaction.isChatInputCommand() && !this.listensIn(interaction.channelId)) {
      const where = this.config.DISCORD_COMMAND_CHANNEL_IDS.map((id) => `<#${id}>`).join(', ');
      await new InteractionResponder(interaction, this.log).privately({ content: `commands are taken in ${where} only` });
      return;
    }
    if (interaction.isChatInputCommand()) return this.onSlash(interaction);
    if (interaction.isButton()) return this.buttons.onButton(interaction);
  }

  private async onSlash(interaction: ChatInputCommandInteraction): Promise<void> {
    const options: Record<string, string | number | boolean> = {};
    // a group's sub-command (`/team deploy`) carries the options inside it
    const sub = interaction.options.data.find((o) => o.type === ApplicationCommandOptionType.Subcommand);
    for (const o of sub?.options ?? interaction.options.data) if (o.value !== undefined && o.value !== null) options[o.name] = o.value;
    await this.intake.handle(parseSlash(interaction.commandName, options, sub?.name), {
      originId: interaction.id,
      userId: interaction.user.id,
      member: interaction.member,
      actor: discordActor(interaction.member && 'displayName' in interaction.member ? interaction.member : null, interaction.user),
      source: `discord:${interaction.guildId}/${interaction.channelId}`,
      responder: new InteractionResponder(interaction, this.log),
      started: Date.now(),
    });
  }

  /** Suggests agent and template names while a slash command is typed; nothing for those without a role. */
  private async onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const kind = focused.name as 'agent' | 'template' | 'target';
    const names = allows(this.intake.roleOf(interaction.member), 'viewer') ? await this.reader.suggest(kind, String(focused.value ?? '')) : [];
    await interaction
      .respond(names.map((n) => ({ name: n, value: n })))
      .catch((err: unknown) => this.log.warn('could not answer an autocomplete', { interaction: interaction.id, error: err }));
  }
}
