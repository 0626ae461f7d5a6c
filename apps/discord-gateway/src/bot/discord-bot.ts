/*
 * The Discord side: a discord.js client that turns `!` messages, slash commands and
 * buttons into control-plane commands. Every command is checked against the
 * member's roles here (Discord's own command permissions are never relied on),
 * carries the Discord user as its actor, and uses the message or interaction id as
 * its command id, so a redelivered message or interaction never runs twice.
 */
import {
  Client,
  DiscordAPIError,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  Routes,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Guild,
  type GuildMember,
  type Interaction,
  type Message,
} from 'discord.js';
import { SimpleShardingStrategy, type WebSocketManager } from '@discordjs/ws';
import type { Role, Actor } from '@sacp/events';
import type { JsonLogger } from '@sacp/platform';
import { parsePrefixed, parseSlash, slashDefinitions, specOf, type CommandSpec, type ParsedCommand, type ParseResult } from './command-specs';
import type { CommandRunner } from './command-runner';
import type { ControlPlaneClient } from './control-plane.client';
import { confirmReply, refusedReply, usageReply, type BotReply } from './replies';
import { inertLine } from '../text/inert';
import { DEFAULT_CONFIRMATION_LIMITS, PendingConfirmations, type Dropped } from './pending-confirmations';
import { allows, roleOf, type RoleMap } from './roles';

export interface DiscordBotOptions {
  token: string;
  apiUrl: string;
  gatewayUrl?: string;
  prefix: string;
  roles: RoleMap;
  guildIds: string[];
  /** channels commands are read in; empty: all */
  channelIds: string[];
  registerCommands: boolean;
  /** caps on confirmations waiting for a click (defaults: 500 in all, 5 per user) */
  confirmations?: { max: number; perUser: number };
}

const CONFIRM_TTL_MS = 5 * 60_000;

/**
 * Every message the bot sends pings nobody: a mention in it (user text is made inert
 * anyway) renders but notifies no one, and a reply does not notify its author.
 */
const NO_PINGS = { parse: [] as never[], repliedUser: false };

/** A destructive command held for its requester's click, and the reply that asked for it. */
interface Held {
  parsed: ParsedCommand;
  responder: Responder;
}

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

export class DiscordBot {
  readonly client: Client;
  private readonly recent = new RecentIds();
  private readonly pending: PendingConfirmations<Held>;
  private readonly pruneTimer: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readyResolve!: () => void;
  readonly ready = new Promise<void>((r) => (this.readyResolve = r));
  connected = false;

  constructor(
    private readonly o: DiscordBotOptions,
    private readonly runner: CommandRunner,
    private readonly cp: ControlPlaneClient,
    private readonly log: JsonLogger,
  ) {
    this.pending = new PendingConfirmations<Held>({ ...DEFAULT_CONFIRMATION_LIMITS, ...o.confirmations, ttlMs: CONFIRM_TTL_MS });
    // expired confirmations are dropped (and their buttons taken away) even when nobody adds one
    this.pruneTimer = setInterval(() => this.tellDropped(this.pending.prune(Date.now())), 30_000);
    this.pruneTimer.unref();
    const gatewayUrl = o.gatewayUrl;
    this.client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      partials: [Partials.GuildMember],
      rest: { api: o.apiUrl },
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
    this.client.on('clientReady', () => void this.onReady());
    this.client.on('guildCreate', (g) => void this.registerCommands(g));
    this.client.on('messageCreate', (m) => this.track(this.onMessage(m)));
    this.client.on('interactionCreate', (i) => this.track(this.onInteraction(i)));
    this.client.on('shardDisconnect', (e, shard) => {
      this.connected = false;
      this.log.warn('Discord gateway disconnected', { shard, code: e.code });
    });
    this.client.on('shardResume', (shard, replayed) => {
      this.connected = true;
      this.log.info('Discord gateway resumed', { shard, replayed });
    });
    this.client.on('shardReady', () => (this.connected = true));
    this.client.on('error', (err) => this.log.error('Discord client error', { error: err }));
    this.client.on('warn', (msg) => this.log.warn('Discord client warning', { message: msg }));
  }

  async start(): Promise<void> {
    await this.client.login(this.o.token);
  }

  /** Lets commands in progress finish (their replies are sent), then disconnects. */
  async stop(timeoutMs = 10_000): Promise<void> {
    clearInterval(this.pruneTimer);
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, timeoutMs))]);
    await this.client.destroy();
  }

  private track(p: Promise<void>): void {
    const q = p.catch((err: unknown) => this.log.error('handling a Discord event failed', { error: err }));
    this.inFlight.add(q);
    void q.finally(() => this.inFlight.delete(q));
  }

  private async onReady(): Promise<void> {
    this.connected = true;
    this.log.info('connected to Discord', { user: this.client.user?.tag, guilds: this.client.guilds.cache.size });
    await Promise.all(this.client.guilds.cache.map((g) => this.registerCommands(g)));
    this.readyResolve();
  }

  private listensIn(channelId: string | null): boolean {
    return this.o.channelIds.length === 0 || (channelId !== null && this.o.channelIds.includes(channelId));
  }

  private serves(guildId: string | null): boolean {
    return guildId !== null && (this.o.guildIds.length === 0 || this.o.guildIds.includes(guildId));
  }

  /**
   * Registers the slash commands in one guild, only when they differ from what is
   * registered: a restart changes nothing on Discord.
   */
  async registerCommands(guild: Guild): Promise<void> {
    if (!this.o.registerCommands || !this.serves(guild.id)) return;
    const appId = this.client.application?.id ?? this.client.user?.id;
    if (!appId) return;
    const wanted = slashDefinitions();
    try {
      const existing = (await this.client.rest.get(Routes.applicationGuildCommands(appId, guild.id))) as Record<string, unknown>[];
      if (sameCommands(existing, wanted)) {
        this.log.info('slash commands up to date', { guild: guild.id, commands: wanted.length });
        return;
      }
      await this.client.rest.put(Routes.applicationGuildCommands(appId, guild.id), { body: wanted });
      this.log.info('slash commands registered', { guild: guild.id, commands: wanted.length });
    } catch (err) {
      this.log.error('could not register slash commands; prefix commands still work. Does the bot have the applications.commands scope in this guild?', {
        guild: guild.id,
        error: err,
      });
    }
  }

  private actorOf(member: GuildMember | null, user: { id: string; username: string; globalName?: string | null }): Actor {
    return { kind: 'discord', id: user.id, displayName: (member?.displayName || user.globalName || user.username).slice(0, 200) };
  }

  private roleIdsOf(member: unknown): string[] {
    const m = member as { roles?: string[] | { cache: Map<string, unknown> } } | null;
    if (!m?.roles) return [];
    return Array.isArray(m.roles) ? m.roles : [...m.roles.cache.keys()];
  }

  private heldRole(member: unknown): Role | null {
    return roleOf(this.roleIdsOf(member), this.o.roles);
  }

  /** Records a refusal in the audit trail and the event log (the refused user has been told already). */
  private async auditRefusal(spec: CommandSpec, cmd: ParsedCommand | null, commandId: string, actor: Actor, source: string, held: Role | null): Promise<void> {
    const reply = await this.cp.command(
      'access.refuse',
      {
        command: spec.busCommand ?? `query.${spec.name}`,
        arguments: cmd?.args ?? {},
        required: spec.role!,
        held,
        message: `${spec.doing} needs the ${spec.role} role; ${actor.displayName} has ${held ?? 'none'}`,
      },
      { commandId, actor, source },
    );
    if (!reply.ok) this.log.error('could not record a refused command', { commandId, code: reply.error.code, error: reply.error.message });
    else this.log.info('command refused', { commandId, command: spec.name, actor: actor.id, held, required: spec.role });
  }

  // --- prefix messages -------------------------------------------------------------------

  private async onMessage(message: Message): Promise<void> {
    if (message.author.bot || !message.inGuild() || !this.serves(message.guildId)) return;
    // outside the command channels a message is ordinary chat, whatever it starts with
    if (!this.listensIn(message.channelId)) return;
    const parsed = parsePrefixed(message.content, this.o.prefix);
    if (!parsed) return;
    if (!this.recent.add(`m${message.id}`)) return;
    const started = Date.now();
    let member = message.member;
    if (!member) member = await message.guild.members.fetch(message.author.id).catch(() => null);
    await this.handle(parsed, {
      originId: message.id,
      userId: message.author.id,
      member,
      actor: this.actorOf(member, message.author),
      source: `discord:${message.guildId}/${message.channelId}`,
      responder: new MessageResponder(message, this.log),
      started,
    });
  }

  /**
   * One command, whichever way it came: usage errors and refusals answered (refusals
   * privately, and audited), destructive ones held for a confirmation, the rest run
   * with the message or interaction id as the command id.
   */
  private async handle(
    parsed: ParseResult,
    c: { originId: string; userId: string; member: unknown; actor: Actor; source: string; responder: Responder; started: number },
  ): Promise<void> {
    const { responder, actor, source } = c;
    const commandId = `discord-${c.originId}`;
    if (!parsed.ok) return responder.answer(usageReply(parsed.problem, parsed.usage));
    const cmd = parsed.command;
    const held = this.heldRole(c.member);
    if (!allows(held, cmd.spec.role)) {
      await responder.privately(refusedReply(cmd.spec, held));
      return this.auditRefusal(cmd.spec, cmd, commandId, actor, source, held);
    }
    if (cmd.spec.destructive && !cmd.yes) {
      this.tellDropped(this.pending.add(c.originId, c.userId, { parsed: cmd, responder }, Date.now()));
      return responder.answer(confirmReply(cmd.spec, String(cmd.args.agent), c.originId, c.userId));
    }
    if (cmd.spec.name !== 'help') await responder.defer();
    const final = await this.runner.run(cmd, { commandId, actor, source, held, progress: (r) => responder.answer(r) });
    await responder.answer(final);
    this.log.info('command answered', { commandId, command: cmd.spec.name, actor: actor.id, millis: Date.now() - c.started });
  }

  // --- interactions --------------------------------------------------------------------------

  private async onInteraction(interaction: Interaction): Promise<void> {
    if (!interaction.inGuild() || !this.serves(interaction.guildId)) return;
    if (!this.recent.add(`i${interaction.id}`)) {
      this.log.info('interaction delivered again; already handled', { interaction: interaction.id });
      return;
    }
    if (interaction.isAutocomplete()) return this.onAutocomplete(interaction);
    if (interaction.isChatInputCommand() && !this.listensIn(interaction.channelId)) {
      const where = this.o.channelIds.map((id) => `<#${id}>`).join(', ');
      await new InteractionResponder(interaction, this.log).privately({ content: `commands are taken in ${where} only` });
      return;
    }
    if (interaction.isChatInputCommand()) return this.onSlash(interaction);
    if (interaction.isButton()) return this.onButton(interaction);
  }

  private async onSlash(interaction: ChatInputCommandInteraction): Promise<void> {
    const options: Record<string, string | number | boolean> = {};
    for (const o of interaction.options.data) if (o.value !== undefined && o.value !== null) options[o.name] = o.value;
    await this.handle(parseSlash(interaction.commandName, options), {
      originId: interaction.id,
      userId: interaction.user.id,
      member: interaction.member,
      actor: this.actorOf(interaction.member && 'displayName' in interaction.member ? interaction.member : null, interaction.user),
      source: `discord:${interaction.guildId}/${interaction.channelId}`,
      responder: new InteractionResponder(interaction, this.log),
      started: Date.now(),
    });
  }

  /** Suggests agent and template names while a slash command is typed; nothing for those without a role. */
  private async onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const kind = focused.name as 'agent' | 'template' | 'target';
    const names = allows(this.heldRole(interaction.member), 'viewer') ? await this.runner.suggest(kind, String(focused.value ?? '')) : [];
    await interaction
      .respond(names.map((n) => ({ name: n, value: n })))
      .catch((err: unknown) => this.log.warn('could not answer an autocomplete', { interaction: interaction.id, error: err }));
  }

  private async onButton(interaction: ButtonInteraction): Promise<void> {
    const [ns, kind, ...rest] = interaction.customId.split(':');
    if (ns !== 'sacp') return;
    const member = interaction.member as GuildMember | null;
    const held = this.heldRole(member);
    const actor = this.actorOf(interaction.member && 'displayName' in interaction.member ? interaction.member : null, interaction.user);
    const source = `discord:${interaction.guildId}/${interaction.channelId}`;
    const responder = new InteractionResponder(interaction, this.log);

    if (kind === 'page') {
      const status = specOf('status')!;
      if (!allows(held, status.role)) return responder.privately(refusedReply(status, held));
      const [page, target] = rest;
      await interaction.deferUpdate();
      const reply = await this.runner.status(target ? decodeURIComponent(target) : null, Number(page) || 1);
      await responder.answer(reply);
      return;
    }
    if (kind !== 'confirm' && kind !== 'cancel') return;
    const origin = rest[0] ?? '';
    const found = this.pending.get(origin, Date.now());
    if ('gone' in found) {
      return responder.privately({
        content:
          found.gone === 'evicted'
            ? '⌛ this confirmation was dropped to make room for newer ones (too many were waiting): run the command again'
            : '⌛ this confirmation has expired (they last 5 minutes, and not across a bot restart): run the command again',
      });
    }
    const cmd = found.command.parsed;
    if (interaction.user.id !== found.requesterId) return responder.privately({ content: `only <@${found.requesterId}> can confirm or cancel this` });
    if (found.started) return responder.privately({ content: 'already confirmed; the command runs once' });
    if (kind === 'cancel') {
      this.pending.delete(origin);
      await interaction.update({ content: `✖️ cancelled: ${cmd.spec.name} ${inertLine(String(cmd.args.agent))} was not run`, components: [], allowedMentions: NO_PINGS });
      return;
    }
    // roles are checked again at the click: they may have changed in the meantime
    if (!allows(held, cmd.spec.role)) {
      await responder.privately(refusedReply(cmd.spec, held));
      return this.auditRefusal(cmd.spec, cmd, `discord-${interaction.id}`, actor, source, held);
    }
    found.started = true;
    await interaction.update({
      content: `⏳ ${cmd.spec.name} ${inertLine(String(cmd.args.agent))}: confirmed by <@${interaction.user.id}>…`,
      components: [],
      allowedMentions: NO_PINGS,
    });
    responder.acknowledged = true;
    // the command id is the original message's or interaction's: confirming twice, or a retried click, runs it once
    const final = await this.runner.run(cmd, { commandId: `discord-${origin}`, actor, source, held, progress: (r) => responder.answer(r) });
    await responder.answer(final);
  }

  /** Tells each requester whose confirmation was dropped or expired: its message loses its buttons and says why. */
  private tellDropped(dropped: Dropped<Held>[]): void {
    for (const { entry, reason } of dropped) {
      const what = `${entry.command.parsed.spec.name} ${inertLine(String(entry.command.parsed.args.agent))}`;
      const content =
        reason === 'evicted'
          ? `⌛ ${what} was not run: this confirmation was dropped to make room for newer ones (too many were waiting). Run the command again if you still want it.`
          : `⌛ ${what} was not run: not confirmed within ${CONFIRM_TTL_MS / 60_000} minutes. Run the command again if you still want it.`;
      this.log.info('a confirmation was dropped', { origin: entry.origin, requester: entry.requesterId, reason, command: entry.command.parsed.spec.name });
      this.track(entry.command.responder.answer({ content, components: [] }));
    }
  }
}

/** How a command's answers reach the user who sent it. */
interface Responder {
  /** the first answer, or an edit of it; a reply marked private is shown only to the user where Discord allows */
  answer(r: BotReply): Promise<void>;
  /** only the user sees it */
  privately(r: BotReply): Promise<void>;
  /** acknowledges before a slow answer */
  defer(): Promise<void>;
}

/** Replies to a `!` message: the first reply is a message, later ones edit it. Private replies go by DM. */
class MessageResponder implements Responder {
  private reply: Message | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly message: Message,
    private readonly log: JsonLogger,
  ) {}

  /** a message needs no acknowledgement: its first reply follows the orchestrator's answer */
  async defer(): Promise<void> {}

  /** usage and help are no secret: a message's answers all go to the channel (refusals use `privately`) */
  answer(r: BotReply): Promise<void> {
    return this.send(r, NO_PINGS);
  }

  private send(r: BotReply, allowedMentions: { parse: never[]; repliedUser: boolean; users?: string[] }): Promise<void> {
    const body = { content: r.content ?? '', embeds: r.embeds ?? [], components: r.components ?? [], allowedMentions };
    // replies are sent in order; an interim reply never overtakes the final one
    const next = this.chain.then(async () => {
      try {
        if (this.reply) this.reply = await this.reply.edit(body);
        else this.reply = await this.message.reply({ ...body, failIfNotExists: false });
      } catch (err) {
        this.log.error('could not reply on Discord', { message: this.message.id, error: err });
      }
    });
    this.chain = next;
    return next;
  }

  async privately(r: BotReply): Promise<void> {
    try {
      await this.message.author.send({ content: r.content ?? '', embeds: r.embeds ?? [], allowedMentions: NO_PINGS });
      await this.message.react('📬').catch(() => undefined);
    } catch (err) {
      // closed DMs (50007): say it in the channel, addressed to them
      if (!(err instanceof DiscordAPIError)) this.log.warn('could not send a direct message', { user: this.message.author.id, error: err });
      // the one ping the bot sends: to the user it is answering, so they see the answer at all
      await this.send({ ...r, content: `<@${this.message.author.id}> ${r.content ?? ''}`.slice(0, 2000) }, { ...NO_PINGS, users: [this.message.author.id] });
    }
  }
}

/** Replies to an interaction within Discord's 3 s: deferred first when the answer takes a bus round trip. */
class InteractionResponder implements Responder {
  acknowledged = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly interaction: ChatInputCommandInteraction | ButtonInteraction,
    private readonly log: JsonLogger,
  ) {}

  async defer(): Promise<void> {
    try {
      await this.interaction.deferReply();
      this.acknowledged = true;
    } catch (err) {
      // 40060: another delivery of this interaction was acknowledged first
      this.log.warn('could not acknowledge an interaction', { interaction: this.interaction.id, error: err });
      this.acknowledged = true;
    }
  }

  answer(r: BotReply): Promise<void> {
    if (r.private && !this.acknowledged && !this.interaction.deferred && !this.interaction.replied) return this.privately(r);
    const body = { content: r.content ?? '', embeds: r.embeds ?? [], components: r.components ?? [], allowedMentions: NO_PINGS };
    const next = this.chain.then(async () => {
      try {
        if (this.acknowledged || this.interaction.deferred || this.interaction.replied) await this.interaction.editReply(body);
        else {
          await this.interaction.reply(body);
          this.acknowledged = true;
        }
      } catch (err) {
        this.log.error('could not reply to an interaction', { interaction: this.interaction.id, error: err });
      }
    });
    this.chain = next;
    return next;
  }

  async privately(r: BotReply): Promise<void> {
    const body = { content: r.content ?? '', embeds: r.embeds ?? [], flags: MessageFlags.Ephemeral as const, allowedMentions: NO_PINGS };
    try {
      if (this.acknowledged || this.interaction.deferred || this.interaction.replied) await this.interaction.followUp(body);
      else {
        await this.interaction.reply(body);
        this.acknowledged = true;
      }
    } catch (err) {
      this.log.error('could not reply privately to an interaction', { interaction: this.interaction.id, error: err });
    }
  }
}

/** Compares registered slash commands with the wanted ones on the fields that matter. */
function sameCommands(existing: Record<string, unknown>[], wanted: ReturnType<typeof slashDefinitions>): boolean {
  const norm = (cmds: Record<string, unknown>[]) =>
    JSON.stringify(
      cmds
        .map((c) => ({
          name: c.name,
          description: c.description,
          options: ((c.options as Record<string, unknown>[] | undefined) ?? []).map((o) => ({
            type: o.type,
            name: o.name,
            description: o.description,
            required: o.required === true,
            min_value: o.min_value ?? null,
            max_value: o.max_value ?? null,
            max_length: o.max_length ?? null,
            autocomplete: o.autocomplete === true,
          })),
        }))
        .sort((a, b) => String(a.name).localeCompare(String(b.name))),
    );
  return norm(existing) === norm(wanted);
}
