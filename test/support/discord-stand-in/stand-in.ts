/**
 * A local Discord for tests: REST under http://127.0.0.1:PORT/api (v10) and the gateway
 * on ws://127.0.0.1:PORT/gateway, both on one port. Point discord.js at it with
 * `new Client({ intents, rest: { api: standIn.restUrl } })` and log in with
 * `standIn.token`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultWorld, WorldIndex, type World } from './fixtures';
import { Gateway, PRIVILEGED_INTENTS } from './gateway';
import { channelPayload, memberPayload, userPayload, type Json } from './payloads';
import { RateLimiter, type BucketLimit } from './rate-limits';
import type { AutocompleteChoice, DmChannelRecord, GatewayFrame, InteractionRecord, RecordedRequest, StoredMessage } from './records';
import { RestApi } from './rest';
import { randomToken, snowflake } from './snowflake';
import { StandInState } from './state';
import { copyJson } from '../realm';

export interface DiscordStandInOptions {
  world?: World;
  /** HELLO's heartbeat_interval; short by default so tests see heartbeats */
  heartbeatIntervalMs?: number;
  /** route key ("POST /channels/:channelId/messages") → bucket */
  rateLimits?: Record<string, BucketLimit>;
  /** Discord: 3000 */
  interactionAckDeadlineMs?: number;
  /** privileged intents enabled for the application (default: all) */
  allowedPrivilegedIntents?: number;
  resumeWindowMs?: number;
  /** latency added to every REST answer */
  restLatencyMs?: number;
  /** fixed port; default an ephemeral one */
  port?: number;
}

export interface StandInAddress {
  /** pass as discord.js `rest.api` */
  restUrl: string;
  port: number;
  gatewayUrl: string;
}

/** Slash command options: `{ template: 'grok4', lines: 50 }` (types taken from the registered command when known) or raw Discord options. */
export type SlashOptions = Record<string, string | number | boolean> | Json[];

const OPTION_TYPE = { subCommand: 1, subCommandGroup: 2, string: 3, integer: 4, boolean: 5, user: 6, channel: 7, role: 8, mentionable: 9, number: 10 } as const;

export class DiscordStandIn {
  readonly world: World;
  readonly idx: WorldIndex;
  readonly requests: RecordedRequest[] = [];
  readonly gateway: Gateway;
  readonly state: StandInState;
  readonly limiter: RateLimiter;
  private readonly rest: RestApi;
  private server: Server | null = null;
  private addr: StandInAddress | null = null;
  private latencyMs: number;

  constructor(private readonly opts: DiscordStandInOptions = {}) {
    this.world = opts.world ?? defaultWorld();
    this.idx = new WorldIndex(this.world);
    this.latencyMs = opts.restLatencyMs ?? 0;
    this.gateway = new Gateway({
      idx: this.idx,
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 1000,
      allowedPrivilegedIntents: opts.allowedPrivilegedIntents ?? PRIVILEGED_INTENTS,
      resumeWindowMs: opts.resumeWindowMs ?? 120_000,
      replayBuffer: 5000,
      baseUrl: () => `ws://127.0.0.1:${this.address.port}`,
    });
    this.state = new StandInState(this.idx, this.gateway);
    this.limiter = new RateLimiter(opts.rateLimits);
    this.rest = new RestApi({
      state: this.state,
      limiter: this.limiter,
      gatewayUrl: () => this.gateway.url,
      interactionAckDeadlineMs: opts.interactionAckDeadlineMs ?? 3000,
      latencyMs: () => this.latencyMs,
      onRequest: (r) => this.requests.push(r),
    });
  }

  /** The bot token the stand-in accepts. */
  get token(): string {
    return this.world.token;
  }

  get address(): StandInAddress {
    if (!this.addr) throw new Error('DiscordStandIn is not started');
    return this.addr;
  }
  get restUrl(): string {
    return this.address.restUrl;
  }

  async start(): Promise<StandInAddress> {
    const server = createServer((req, res) => {
      this.rest.handle(req, res).catch((err) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: `stand-in error: ${(err as Error).message}`, code: 0 }));
      });
    });
    server.on('upgrade', (req, socket, head) => this.gateway.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const port = (server.address() as AddressInfo).port;
    this.addr = { restUrl: `http://127.0.0.1:${port}/api`, port, gatewayUrl: `ws://127.0.0.1:${port}/gateway` };
    return this.addr;
  }

  async stop(): Promise<void> {
    this.gateway.close();
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  // --- REST behaviour -----------------------------------------------------------------

  /** Configures (or with null removes) the bucket of a route key, e.g. "POST /channels/:channelId/messages". */
  setRateLimit(routeKey: string, limit: BucketLimit | null): void {
    this.limiter.setLimit(routeKey, limit);
  }

  /** The next `count` requests to the route (optionally only for one channel/guild/…) get 429 with Retry-After. */
  forceRateLimit(routeKey: string, opts: { count?: number; retryAfterSeconds?: number; global?: boolean; majorParameter?: string } = {}): void {
    this.limiter.force(routeKey, {
      count: opts.count ?? 1,
      retryAfterSeconds: opts.retryAfterSeconds ?? 1,
      global: opts.global ?? false,
      ...(opts.majorParameter !== undefined ? { majorParameter: opts.majorParameter } : {}),
    });
  }

  setRestLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /**
   * Closes (or with `closed` false reopens) a user's DMs to the bot: creating the DM
   * channel still works, posting in it answers 403/50007 "Cannot send messages to this user".
   */
  closeDirectMessages(user: string, closed = true): void {
    const u = this.idx.user(user);
    if (closed) this.state.closedDms.add(u.id);
    else this.state.closedDms.delete(u.id);
  }

  /**
   * Makes posting in a guild channel fail as on Discord once the bot has lost it:
   * 'missing-access' 403/50001 (cannot see the channel), 'missing-permissions' 403/50013
   * (may not send), 'deleted' 404/10003 Unknown Channel. `null` gives it back.
   */
  refuseChannel(channel: string, how: 'missing-access' | 'missing-permissions' | 'deleted' | null): void {
    const id = this.idx.channel(channel).id;
    const errors = {
      'missing-access': { status: 403, code: 50001, message: 'Missing Access' },
      'missing-permissions': { status: 403, code: 50013, message: 'Missing Permissions' },
      deleted: { status: 404, code: 10003, message: 'Unknown Channel' },
    } as const;
    if (how) this.state.refusedChannels.set(id, errors[how]);
    else this.state.refusedChannels.delete(id);
  }

  /** Deletes (or with `deleted` false restores) an incoming webhook: posting to it answers 404/10015 Unknown Webhook. */
  deleteWebhook(name: string, deleted = true): void {
    const id = this.idx.webhook(name).id;
    if (deleted) this.state.deletedWebhooks.add(id);
    else this.state.deletedWebhooks.delete(id);
  }

  // --- gateway hooks ------------------------------------------------------------------

  /**
   * A user writes in a guild channel: stored, and dispatched as MESSAGE_CREATE with the
   * member's roles. Returns the message. (discord.js ignores a second MESSAGE_CREATE for
   * a message id it has cached; use a new message for a new command.)
   */
  userMessage(opts: { channel: string; user: string; content: string; id?: string; embeds?: unknown[] }): Json {
    const ch = this.idx.channel(opts.channel);
    const u = this.idx.user(opts.user);
    if (!this.idx.member(ch.guildId, u.id)) throw new Error(`${u.username} is not a member of guild ${ch.guildId}`);
    return this.state.createMessage({
      ...(opts.id ? { id: opts.id } : {}),
      channelId: ch.id,
      guildId: ch.guildId,
      author: userPayload(u),
      content: opts.content,
      embeds: opts.embeds ?? [],
      source: 'user',
    });
  }

  /** Dispatches MESSAGE_CREATE for a message already stored (e.g. to prove discord.js de-duplicates it). */
  redeliverMessage(messageId: string): number {
    const m = this.state.messages.get(messageId);
    if (!m) throw new Error(`no message ${messageId}`);
    return this.state.dispatchMessage('MESSAGE_CREATE', m.message);
  }

  private interactionBase(type: number, channel: string, user: string): { payload: Json; token: string } {
    const ch = this.idx.channel(channel);
    const guild = this.idx.guild(ch.guildId);
    const u = this.idx.user(user);
    const member = this.idx.member(guild.id, u.id);
    if (!member) throw new Error(`${u.username} is not a member of guild ${guild.name}`);
    const token = 'itk-' + randomToken(32);
    const perms = this.idx.permissionsOf(guild.id, u.id).toString();
    return {
      token,
      payload: {
        id: snowflake(),
        application_id: this.world.application.id,
        type,
        token,
        version: 1,
        guild_id: guild.id,
        guild: { id: guild.id, locale: 'en-US', features: [] },
        channel_id: ch.id,
        channel: { ...channelPayload(ch), permissions: perms },
        member: memberPayload(this.idx, member, true, guild.id),
        app_permissions: this.idx.permissionsOf(guild.id, this.world.bot.id).toString(),
        locale: 'en-US',
        guild_locale: 'en-US',
        entitlements: [],
        authorizing_integration_owners: { '0': guild.id },
        context: 0,
        attachment_size_limit: 10 * 1024 * 1024,
      },
    };
  }

  private deliver(type: number, payload: Json, token: string): InteractionRecord {
    const rec: InteractionRecord = {
      id: payload.id as string,
      token,
      type,
      payload,
      firstDispatchedAt: Date.now(),
      deliveries: 0,
      ack: null,
      callbacks: [],
      originalMessageId: null,
      followUpIds: [],
      ...(type === 4 ? { choices: null } : {}),
    };
    this.state.interactions.set(rec.id, rec);
    return this.redeliverInteraction(rec.id);
  }

  /** The chat-input command a slash command / autocomplete names (guild first, then global), and its options as Discord sends them. */
  private chatInputData(guildId: string, name: string, given: SlashOptions | undefined): { cmd: Json | undefined; registered: boolean; options: Json[] | undefined } {
    const guildCmd = (this.state.commands.get(guildId) ?? []).find((c) => c.name === name && (c.type ?? 1) === 1);
    const global = (this.state.commands.get('global') ?? []).find((c) => c.name === name && (c.type ?? 1) === 1);
    const cmd = guildCmd ?? global;
    let options: Json[] | undefined;
    if (Array.isArray(given)) options = copyJson(given);
    else if (given) {
      const defs = (cmd?.options as Json[] | undefined) ?? [];
      options = Object.entries(given).map(([optName, value]) => {
        const def = defs.find((d) => d.name === optName);
        const type =
          (def?.type as number | undefined) ??
          (typeof value === 'boolean'
            ? OPTION_TYPE.boolean
            : typeof value === 'number'
              ? Number.isInteger(value)
                ? OPTION_TYPE.integer
                : OPTION_TYPE.number
              : OPTION_TYPE.string);
        return { name: optName, type, value };
      });
    }
    return { cmd, registered: guildCmd !== undefined, options };
  }

  /** A user runs a slash command (INTERACTION_CREATE type 2). */
  slashCommand(opts: { channel: string; user: string; name: string; options?: SlashOptions; resolved?: Json }): InteractionRecord {
    const { payload, token } = this.interactionBase(2, opts.channel, opts.user);
    const guildId = payload.guild_id as string;
    const { cmd, registered, options } = this.chatInputData(guildId, opts.name, opts.options);
    payload.data = {
      id: (cmd?.id as string | undefined) ?? snowflake(),
      name: opts.name,
      type: 1,
      ...(registered ? { guild_id: guildId } : {}),
      ...(options ? { options } : {}),
      ...(opts.resolved ? { resolved: opts.resolved } : {}),
    };
    return this.deliver(2, payload, token);
  }

  /**
   * A user is typing option `focused` of a slash command (INTERACTION_CREATE type 4,
   * APPLICATION_COMMAND_AUTOCOMPLETE). `options` are the values typed so far, built as for
   * slashCommand; the focused option carries `focused: true` and its partial text as a
   * string (`''` when it is not among `options`, or given raw options with that name
   * nested in a sub-command). When the command is registered and defines the focused
   * option, that definition must have `autocomplete: true` (Discord sends nothing else).
   * The bot answers with callback type 8 (see autocompleteChoices); no other answer and no
   * follow-ups are accepted.
   */
  autocomplete(opts: { channel: string; user: string; name: string; options?: SlashOptions; focused: string }): InteractionRecord {
    const { payload, token } = this.interactionBase(4, opts.channel, opts.user);
    const guildId = payload.guild_id as string;
    const { cmd, registered, options: built } = this.chatInputData(guildId, opts.name, opts.options);
    const options = built ?? [];
    const defs = (cmd?.options as Json[] | undefined) ?? [];
    const findDef = (list: Json[]): Json | undefined => {
      for (const d of list) {
        if (d.name === opts.focused && d.type !== OPTION_TYPE.subCommand && d.type !== OPTION_TYPE.subCommandGroup) return d;
        const inner = Array.isArray(d.options) ? findDef(d.options as Json[]) : undefined;
        if (inner) return inner;
      }
      return undefined;
    };
    const def = findDef(defs);
    if (def && def.autocomplete !== true) throw new Error(`option ${opts.focused} of /${opts.name} is not registered with autocomplete: true`);
    const findOpt = (list: Json[]): Json | undefined => {
      for (const o of list) {
        if (o.name === opts.focused && o.type !== OPTION_TYPE.subCommand && o.type !== OPTION_TYPE.subCommandGroup) return o;
        const inner = Array.isArray(o.options) ? findOpt(o.options as Json[]) : undefined;
        if (inner) return inner;
      }
      return undefined;
    };
    const opt = findOpt(options);
    if (opt) {
      // the partial text is a string whatever the option's type
      opt.value = opt.value === undefined || opt.value === null ? '' : String(opt.value);
      opt.focused = true;
    } else {
      options.push({ name: opts.focused, type: def?.type ?? OPTION_TYPE.string, value: '', focused: true });
    }
    payload.data = {
      id: (cmd?.id as string | undefined) ?? snowflake(),
      name: opts.name,
      type: 1,
      ...(registered ? { guild_id: guildId } : {}),
      options,
    };
    return this.deliver(4, payload, token);
  }

  /** A user clicks a button on a stored message (INTERACTION_CREATE type 3, with the full message). */
  buttonClick(opts: { user: string; messageId: string; customId: string }): InteractionRecord {
    const stored = this.state.messages.get(opts.messageId);
    if (!stored || stored.deleted) throw new Error(`no message ${opts.messageId}`);
    const { payload, token } = this.interactionBase(3, stored.channelId, opts.user);
    payload.data = { custom_id: opts.customId, component_type: 2 };
    payload.message = copyJson(stored.message);
    return this.deliver(3, payload, token);
  }

  /** Sends the same INTERACTION_CREATE (same id and token) again. */
  redeliverInteraction(id: string): InteractionRecord {
    const rec = this.state.interactions.get(id);
    if (!rec) throw new Error(`no interaction ${id}`);
    rec.deliveries++;
    this.gateway.dispatch('INTERACTION_CREATE', copyJson(rec.payload));
    return rec;
  }

  /** Any dispatch to every live session. */
  dispatch(t: string, d: Json): number {
    return this.gateway.dispatch(t, d);
  }

  /** Drops the gateway connections (see Gateway.drop): by default without a close frame. */
  dropGateway(opts: { code?: number; reason?: string } = {}): number {
    return this.gateway.drop(opts);
  }

  // --- queries ------------------------------------------------------------------------

  /** A guild channel by id or fixture name, or a DM channel by id → its id. */
  private channelId(channel: string): string {
    return this.state.dmChannelById(channel)?.id ?? this.idx.channel(channel).id;
  }
  /** Visible messages of a channel (guild channel by id or fixture name, or DM channel by id), oldest first. */
  messagesIn(channel: string, opts: { includeEphemeral?: boolean; includeDeleted?: boolean } = {}): Json[] {
    return this.state.channelMessages(this.channelId(channel), opts);
  }
  /** Messages the bot wrote (REST, interaction replies and follow-ups; DMs included), oldest first; optionally of one channel (as for messagesIn). */
  botMessages(channel?: string): Json[] {
    const chId = channel ? this.channelId(channel) : undefined;
    return [...this.state.messages.values()]
      .filter((m) => (m.source === 'bot' || m.source === 'interaction') && !m.deleted && (!chId || m.channelId === chId))
      .map((m) => m.message);
  }
  /** The bot's messages in its DM channel with a user (name or id), oldest first; [] when there is no DM channel. */
  directMessagesTo(user: string): Json[] {
    const dm = this.dmChannel(user);
    return dm ? this.botMessages(dm.id) : [];
  }
  /** The bot's DM channel with a user (name or id), if POST /users/@me/channels created one. */
  dmChannel(user: string): DmChannelRecord | undefined {
    return this.state.dmChannels.get(this.idx.user(user).id);
  }
  /** Every DM channel the bot opened, in creation order. */
  dmChannels(): DmChannelRecord[] {
    return [...this.state.dmChannels.values()];
  }
  message(id: string): StoredMessage | undefined {
    return this.state.messages.get(id);
  }
  interaction(id: string): InteractionRecord | undefined {
    return this.state.interactions.get(id);
  }
  /** The choices the bot answered an autocomplete interaction with (callback type 8); undefined while unanswered. */
  autocompleteChoices(interactionId: string): AutocompleteChoice[] | undefined {
    const rec = this.state.interactions.get(interactionId);
    if (!rec) throw new Error(`no interaction ${interactionId}`);
    if (rec.type !== 4) throw new Error(`interaction ${interactionId} is of type ${rec.type}, not an autocomplete (4)`);
    return rec.choices ?? undefined;
  }
  /** Registered application commands of a guild (id or name), or the global ones. */
  commands(scope: 'global' | (string & Record<never, never>) = 'global'): Json[] {
    const key = scope === 'global' ? 'global' : this.idx.guild(scope).id;
    return this.state.commands.get(key) ?? [];
  }
  /** Recorded requests to a route key ("POST /channels/:channelId/messages"), or matching a predicate. */
  requestsTo(route: string | ((r: RecordedRequest) => boolean)): RecordedRequest[] {
    return this.requests.filter(typeof route === 'string' ? (r) => r.route === route : route);
  }
  /** Recorded gateway frames; `in` = from the client. */
  frames(filter: Partial<Pick<GatewayFrame, 'direction' | 'op' | 't'>> = {}): GatewayFrame[] {
    return this.gateway.frames.filter(
      (f) =>
        (filter.direction === undefined || f.direction === filter.direction) && (filter.op === undefined || f.op === filter.op) && (filter.t === undefined || f.t === filter.t),
    );
  }

  /** Polls `fn` (which may be async) until it returns something truthy. */
  async waitFor<T>(what: string, fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`stand-in: timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest> {
    return this.waitFor('a matching REST request', () => this.requests.find(pred), timeoutMs);
  }
  waitForFrame(pred: (f: GatewayFrame) => boolean, timeoutMs?: number): Promise<GatewayFrame> {
    return this.waitFor('a matching gateway frame', () => this.gateway.frames.find(pred), timeoutMs);
  }

  /** Forgets recorded requests and frames (state such as messages and commands stays). */
  clearRecords(): void {
    this.requests.length = 0;
    this.gateway.frames.length = 0;
  }
}
