/**
 * Fixtures for the Discord stand-in: one bot (user + application + token), guilds with
 * roles, text channels and members, and incoming webhooks. Ids are fixed, readable
 * snowflakes, so a test can put role ids in the bot's configuration before start-up.
 */

/** A few Discord permission bits (as bigint) for role fixtures. */
export const Permission = {
  Administrator: 1n << 3n,
  ManageChannels: 1n << 4n,
  ManageGuild: 1n << 5n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  UseApplicationCommands: 1n << 31n,
  ManageWebhooks: 1n << 29n,
} as const;

export const EVERYONE_PERMISSIONS = Permission.ViewChannel | Permission.SendMessages | Permission.ReadMessageHistory | Permission.UseApplicationCommands;
export const BOT_PERMISSIONS = EVERYONE_PERMISSIONS | Permission.EmbedLinks | Permission.AttachFiles | Permission.ManageMessages | Permission.ManageWebhooks;

export interface UserFixture {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

export interface RoleFixture {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  managed: boolean;
}

export interface ChannelFixture {
  id: string;
  name: string;
  /** 0 guild text; only text channels are modelled */
  type: 0;
  guildId: string;
  position: number;
  topic: string | null;
}

export interface MemberFixture {
  userId: string;
  roleIds: string[];
  nick: string | null;
  joinedAt: string;
}

export interface GuildFixture {
  id: string;
  name: string;
  ownerId: string;
  roles: RoleFixture[];
  channels: ChannelFixture[];
  members: MemberFixture[];
}

export interface WebhookFixture {
  id: string;
  token: string;
  name: string;
  channelId: string;
  guildId: string;
}

export interface World {
  /** the bot token the stand-in accepts (`Authorization: Bot <token>`, IDENTIFY) */
  token: string;
  bot: UserFixture;
  application: { id: string; name: string; flags: number };
  users: UserFixture[];
  guilds: GuildFixture[];
  webhooks: WebhookFixture[];
}

/** Lookups by id or by fixture name. */
export class WorldIndex {
  constructor(readonly world: World) {}

  user(idOrName: string): UserFixture {
    const u = this.world.users.find((x) => x.id === idOrName || x.username === idOrName);
    if (!u) throw new Error(`no user fixture ${idOrName}`);
    return u;
  }
  findUser(id: string): UserFixture | undefined {
    return this.world.users.find((x) => x.id === id);
  }
  guild(idOrName: string): GuildFixture {
    const g = this.findGuild(idOrName) ?? this.world.guilds.find((x) => x.name === idOrName);
    if (!g) throw new Error(`no guild fixture ${idOrName}`);
    return g;
  }
  findGuild(id: string): GuildFixture | undefined {
    return this.world.guilds.find((x) => x.id === id);
  }
  channel(idOrName: string): ChannelFixture {
    for (const g of this.world.guilds) {
      const c = g.channels.find((x) => x.id === idOrName || x.name === idOrName);
      if (c) return c;
    }
    throw new Error(`no channel fixture ${idOrName}`);
  }
  findChannel(id: string): ChannelFixture | undefined {
    for (const g of this.world.guilds) {
      const c = g.channels.find((x) => x.id === id);
      if (c) return c;
    }
    return undefined;
  }
  role(idOrName: string, guildIdOrName?: string): RoleFixture {
    const guilds = guildIdOrName ? [this.guild(guildIdOrName)] : this.world.guilds;
    for (const g of guilds) {
      const r = g.roles.find((x) => x.id === idOrName || x.name === idOrName);
      if (r) return r;
    }
    throw new Error(`no role fixture ${idOrName}`);
  }
  member(guildId: string, userId: string): MemberFixture | undefined {
    return this.findGuild(guildId)?.members.find((m) => m.userId === userId);
  }
  webhook(idOrName: string): WebhookFixture {
    const w = this.world.webhooks.find((x) => x.id === idOrName || x.name === idOrName);
    if (!w) throw new Error(`no webhook fixture ${idOrName}`);
    return w;
  }
  /** Guild permissions of a member: @everyone plus its roles (Administrator implies all). */
  permissionsOf(guildId: string, userId: string): bigint {
    const g = this.guild(guildId);
    const m = this.member(guildId, userId);
    let p = g.roles.find((r) => r.id === g.id)?.permissions ?? 0n;
    for (const rid of m?.roleIds ?? []) p |= g.roles.find((r) => r.id === rid)?.permissions ?? 0n;
    if (g.ownerId === userId || (p & Permission.Administrator) !== 0n) return (1n << 53n) - 1n;
    return p;
  }
}

/**
 * Builds a World. Ids come from a counter (distinct per builder), readable in test
 * output: 9000000000000000NN.
 */
export class WorldBuilder {
  private next = 1;
  private readonly world: World;
  private currentGuild: GuildFixture | null = null;

  constructor(opts: { token?: string; botName?: string; applicationName?: string } = {}) {
    const botId = this.id();
    this.world = {
      token: opts.token ?? 'stand-in-bot-token.' + 'x'.repeat(20) + '.secret',
      bot: { id: botId, username: opts.botName ?? 'sacp-bot', globalName: null, bot: true },
      // Discord uses the bot user's id as the application id
      application: { id: botId, name: opts.applicationName ?? 'SuperAgent Control Plane', flags: 0 },
      users: [],
      guilds: [],
      webhooks: [],
    };
    this.world.users.push(this.world.bot);
  }

  private id(): string {
    return (900000000000000000n + BigInt(this.next++)).toString();
  }

  /** Adds a user (not a guild member by itself). */
  user(username: string, opts: { globalName?: string; bot?: boolean } = {}): this {
    this.world.users.push({ id: this.id(), username, globalName: opts.globalName ?? username, bot: opts.bot ?? false });
    return this;
  }

  /** Starts a guild; the following role/channel/member calls apply to it. The bot is a member with a managed role. */
  guild(name: string, opts: { ownerUsername?: string } = {}): this {
    const id = this.id();
    const g: GuildFixture = {
      id,
      name,
      ownerId: '',
      roles: [{ id, name: '@everyone', permissions: EVERYONE_PERMISSIONS, position: 0, managed: false }],
      channels: [],
      members: [],
    };
    const botRole: RoleFixture = { id: this.id(), name: this.world.bot.username, permissions: BOT_PERMISSIONS, position: 1, managed: true };
    g.roles.push(botRole);
    g.members.push({ userId: this.world.bot.id, roleIds: [botRole.id], nick: null, joinedAt: new Date().toISOString() });
    this.world.guilds.push(g);
    this.currentGuild = g;
    if (opts.ownerUsername) {
      if (!this.world.users.some((u) => u.username === opts.ownerUsername)) this.user(opts.ownerUsername);
      g.ownerId = this.world.users.find((u) => u.username === opts.ownerUsername)!.id;
      this.member(opts.ownerUsername, []);
    }
    return this;
  }

  private get g(): GuildFixture {
    if (!this.currentGuild) throw new Error('call guild() first');
    return this.currentGuild;
  }

  role(name: string, permissions: bigint = EVERYONE_PERMISSIONS): this {
    this.g.roles.push({ id: this.id(), name, permissions, position: this.g.roles.length, managed: false });
    return this;
  }

  textChannel(name: string, topic: string | null = null): this {
    this.g.channels.push({ id: this.id(), name, type: 0, guildId: this.g.id, position: this.g.channels.length, topic });
    return this;
  }

  /** Makes a user (created if missing) a member of the current guild with the named roles. */
  member(username: string, roleNames: string[] = [], nick: string | null = null): this {
    if (!this.world.users.some((u) => u.username === username)) this.user(username);
    const user = this.world.users.find((u) => u.username === username)!;
    const roleIds = roleNames.map((n) => {
      const r = this.g.roles.find((x) => x.name === n);
      if (!r) throw new Error(`role ${n} is not defined in guild ${this.g.name}`);
      return r.id;
    });
    this.g.members = this.g.members.filter((m) => m.userId !== user.id);
    this.g.members.push({ userId: user.id, roleIds, nick, joinedAt: new Date().toISOString() });
    return this;
  }

  /** An incoming webhook posting into a channel of the current guild. */
  webhook(name: string, channelName: string): this {
    const c = this.g.channels.find((x) => x.name === channelName);
    if (!c) throw new Error(`channel ${channelName} is not defined in guild ${this.g.name}`);
    this.world.webhooks.push({ id: this.id(), token: 'wh-' + name + '-' + this.next + '-token', name, channelId: c.id, guildId: this.g.id });
    return this;
  }

  build(): World {
    // without an explicit owner the bot owns the guild, so no test user gets owner rights by accident
    for (const g of this.world.guilds) if (!g.ownerId) g.ownerId = this.world.bot.id;
    return structuredClone(this.world);
  }
}

/**
 * The usual test world: guild "ops" with roles admin/operator/viewer, channels
 * "control" and "alerts", members alice (operator), bob (viewer), carol (admin),
 * mallory (no role), and an "alerts-hook" webhook on #alerts.
 */
export function defaultWorld(opts: { token?: string } = {}): World {
  return new WorldBuilder(opts)
    .guild('ops')
    .role('admin', EVERYONE_PERMISSIONS | Permission.ManageGuild)
    .role('operator')
    .role('viewer')
    .textChannel('control', 'agent control')
    .textChannel('alerts', 'monitor alerts')
    .member('alice', ['operator'])
    .member('bob', ['viewer'])
    .member('carol', ['admin'])
    .member('mallory', [])
    .webhook('alerts-hook', 'alerts')
    .build();
}
