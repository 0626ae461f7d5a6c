/** Discord v10 JSON shapes built from fixtures (what the gateway and REST send). */
import type { ChannelFixture, GuildFixture, MemberFixture, RoleFixture, UserFixture, WorldIndex } from './fixtures';

export type Json = Record<string, unknown>;

export function userPayload(u: UserFixture): Json {
  return {
    id: u.id,
    username: u.username,
    discriminator: '0',
    global_name: u.globalName,
    avatar: null,
    bot: u.bot,
    system: false,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
  };
}

export function rolePayload(r: RoleFixture): Json {
  return {
    id: r.id,
    name: r.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: r.position,
    permissions: r.permissions.toString(),
    managed: r.managed,
    mentionable: false,
    flags: 0,
  };
}

export function channelPayload(c: ChannelFixture, withGuildId = true): Json {
  return {
    id: c.id,
    type: c.type,
    ...(withGuildId ? { guild_id: c.guildId } : {}),
    name: c.name,
    position: c.position,
    permission_overwrites: [],
    parent_id: null,
    topic: c.topic,
    nsfw: false,
    rate_limit_per_user: 0,
    last_message_id: null,
    flags: 0,
  };
}

/** A DM channel (type 1) as POST /users/@me/channels and GET /channels/:id return it. */
export function dmChannelPayload(dm: { id: string; lastMessageId: string | null }, recipient: UserFixture): Json {
  return { id: dm.id, type: 1, last_message_id: dm.lastMessageId, flags: 0, recipients: [userPayload(recipient)] };
}

/** A guild member; `withUser` false for MESSAGE_CREATE's `member` (the user is the author). */
export function memberPayload(idx: WorldIndex, m: MemberFixture, withUser = true, guildId?: string): Json {
  const u = idx.findUser(m.userId);
  return {
    ...(withUser && u ? { user: userPayload(u) } : {}),
    nick: m.nick,
    avatar: null,
    banner: null,
    roles: [...m.roleIds],
    joined_at: m.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
    ...(guildId ? { permissions: idx.permissionsOf(guildId, m.userId).toString() } : {}),
  };
}

/** The REST guild object (GET /guilds/:id). */
export function guildPayload(g: GuildFixture): Json {
  return {
    id: g.id,
    name: g.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: g.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: g.roles.map(rolePayload),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
  };
}

/** GUILD_CREATE: the guild with channels, members and the other gateway-only fields. */
export function guildCreatePayload(idx: WorldIndex, g: GuildFixture): Json {
  return {
    ...guildPayload(g),
    joined_at: g.members.find((m) => m.userId === idx.world.bot.id)?.joinedAt ?? new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: g.members.length,
    voice_states: [],
    members: g.members.map((m) => memberPayload(idx, m)),
    channels: g.channels.map((c) => channelPayload(c, false)),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export interface MessageInit {
  id: string;
  channelId: string;
  guildId: string | null;
  author: Json;
  content?: string;
  embeds?: unknown[];
  components?: unknown[];
  attachments?: unknown[];
  flags?: number;
  webhookId?: string;
  applicationId?: string;
  interactionMetadata?: Json;
  messageReference?: Json;
  type?: number;
  tts?: boolean;
}

export function messagePayload(m: MessageInit): Json {
  const content = m.content ?? '';
  const mentions = [...content.matchAll(/<@!?(\d+)>/g)].map((x) => x[1]);
  return {
    id: m.id,
    type: m.type ?? (m.messageReference ? 19 : 0),
    channel_id: m.channelId,
    ...(m.guildId ? { guild_id: m.guildId } : {}),
    author: m.author,
    content,
    timestamp: new Date(Number((BigInt(m.id) >> 22n) + 1420070400000n)).toISOString(),
    edited_timestamp: null,
    tts: m.tts ?? false,
    mention_everyone: /@(everyone|here)/.test(content),
    mentions: mentions.map((id) => ({ id, username: 'user-' + id, discriminator: '0', global_name: null, avatar: null })),
    mention_roles: [...content.matchAll(/<@&(\d+)>/g)].map((x) => x[1]),
    mention_channels: [],
    attachments: m.attachments ?? [],
    embeds: m.embeds ?? [],
    components: m.components ?? [],
    reactions: [],
    pinned: false,
    flags: m.flags ?? 0,
    ...(m.webhookId ? { webhook_id: m.webhookId } : {}),
    ...(m.applicationId ? { application_id: m.applicationId } : {}),
    ...(m.interactionMetadata ? { interaction_metadata: m.interactionMetadata } : {}),
    ...(m.messageReference ? { message_reference: m.messageReference } : {}),
  };
}
