/** Messages, interactions and application commands, and the gateway dispatches they cause. */
import type { WorldIndex } from './fixtures';
import { Intent, type Gateway, type GatewaySession } from './gateway';
import { channelPayload, dmChannelPayload, memberPayload, messagePayload, userPayload, type Json, type MessageInit } from './payloads';
import type { DmChannelRecord, InteractionRecord, StoredMessage } from './records';
import { snowflake } from './snowflake';
import { copyJson } from '../realm';

const EPHEMERAL = 1 << 6;

/** A channel the REST routes can address: a guild text channel or one of the bot's DM channels. */
export interface AddressableChannel {
  id: string;
  /** null for a DM channel */
  guildId: string | null;
  dm: DmChannelRecord | null;
  /** the GET /channels/:id object */
  payload(): Json;
}

export class StandInState {
  readonly messages = new Map<string, StoredMessage>();
  readonly interactions = new Map<string, InteractionRecord>();
  /** scope ('global' or a guild id) → registered commands */
  readonly commands = new Map<string, Json[]>();
  /** recipient user id → the bot's DM channel with that user */
  readonly dmChannels = new Map<string, DmChannelRecord>();
  /** users whose DMs are closed to the bot (posting there answers 403/50007) */
  readonly closedDms = new Set<string>();
  /** guild channels the bot lost (posting there answers this error) */
  readonly refusedChannels = new Map<string, { status: number; code: number; message: string }>();
  /** incoming webhooks deleted (posting answers 404/10015) */
  readonly deletedWebhooks = new Set<string>();

  constructor(
    readonly idx: WorldIndex,
    readonly gateway: Gateway,
  ) {}

  get botAuthor(): Json {
    return userPayload(this.idx.world.bot);
  }

  /** The bot's DM channel with a user: created on the first call, the same one afterwards. */
  openDm(userId: string): DmChannelRecord {
    let dm = this.dmChannels.get(userId);
    if (!dm) {
      dm = { id: snowflake(), userId, createdAt: Date.now(), opens: 0, closes: 0, lastMessageId: null };
      this.dmChannels.set(userId, dm);
    }
    return dm;
  }

  dmChannelById(id: string): DmChannelRecord | undefined {
    for (const dm of this.dmChannels.values()) if (dm.id === id) return dm;
    return undefined;
  }

  /** A guild text channel or DM channel by id. */
  findChannel(id: string): AddressableChannel | undefined {
    const ch = this.idx.findChannel(id);
    if (ch) return { id: ch.id, guildId: ch.guildId, dm: null, payload: () => channelPayload(ch) };
    const dm = this.dmChannelById(id);
    if (dm) return { id: dm.id, guildId: null, dm, payload: () => dmChannelPayload(dm, this.idx.user(dm.userId)) };
    return undefined;
  }

  createMessage(init: Omit<MessageInit, 'id'> & { id?: string; source: StoredMessage['source']; interactionId?: string }): Json {
    const message = messagePayload({ ...init, id: init.id ?? snowflake() });
    message.mentions = (message.mentions as Json[]).map((m) => {
      const u = this.idx.findUser(m.id as string);
      return u ? userPayload(u) : m;
    });
    const ephemeral = ((init.flags ?? 0) & EPHEMERAL) !== 0;
    const dm = init.guildId ? undefined : this.dmChannelById(init.channelId);
    if (dm) dm.lastMessageId = message.id as string;
    this.messages.set(message.id as string, {
      message,
      channelId: init.channelId,
      source: init.source,
      ephemeral,
      deleted: false,
      versions: [{ at: Date.now(), message: copyJson(message) }],
      ...(init.interactionId ? { interactionId: init.interactionId } : {}),
    });
    if (!ephemeral) this.dispatchMessage('MESSAGE_CREATE', message);
    return message;
  }

  editMessage(id: string, patch: Record<string, unknown>): Json | null {
    const stored = this.messages.get(id);
    if (!stored || stored.deleted) return null;
    const m = stored.message;
    for (const k of ['content', 'embeds', 'components', 'attachments'] as const) if (patch[k] !== undefined && patch[k] !== null) m[k] = patch[k];
    if (typeof patch.flags === 'number') m.flags = ((m.flags as number) & EPHEMERAL) | (patch.flags & ~EPHEMERAL);
    m.flags = (m.flags as number) & ~(1 << 7); // an edit ends the "thinking…" state of a deferred reply
    m.edited_timestamp = new Date().toISOString();
    stored.versions.push({ at: Date.now(), message: copyJson(m) });
    if (!stored.ephemeral) this.dispatchMessage('MESSAGE_UPDATE', m);
    return m;
  }

  deleteMessage(id: string): boolean {
    const stored = this.messages.get(id);
    if (!stored || stored.deleted) return false;
    stored.deleted = true;
    if (!stored.ephemeral) {
      const guildId = stored.message.guild_id as string | undefined;
      this.gateway.dispatch('MESSAGE_DELETE', (s) =>
        guildId && !(s.intents & Intent.GuildMessages) ? null : { id, channel_id: stored.channelId, ...(guildId ? { guild_id: guildId } : {}) },
      );
    }
    return true;
  }

  /**
   * MESSAGE_CREATE / MESSAGE_UPDATE as Discord sends them: only to sessions with the
   * GUILD_MESSAGES intent, with `member` for guild members, and with content, embeds,
   * attachments and components blanked for sessions without MESSAGE_CONTENT (unless
   * the bot wrote the message or is mentioned in it).
   */
  dispatchMessage(t: 'MESSAGE_CREATE' | 'MESSAGE_UPDATE', message: Json): number {
    const guildId = message.guild_id as string | undefined;
    const author = message.author as Json;
    const bot = this.idx.world.bot.id;
    const member = guildId && !message.webhook_id ? this.idx.member(guildId, author.id as string) : undefined;
    return this.gateway.dispatch(t, (s: GatewaySession) => {
      if (guildId ? !(s.intents & Intent.GuildMessages) : !(s.intents & Intent.DirectMessages)) return null;
      const d: Json = copyJson(message);
      if (member) d.member = memberPayload(this.idx, member, false);
      const mentioned = ((message.mentions as Json[]) ?? []).some((u) => u.id === bot);
      if (guildId && !(s.intents & Intent.MessageContent) && author.id !== bot && !mentioned) {
        d.content = '';
        d.embeds = [];
        d.attachments = [];
        d.components = [];
      }
      return d;
    });
  }

  /** Messages of a channel, oldest first (ephemeral and deleted ones excluded unless asked). */
  channelMessages(channelId: string, opts: { includeEphemeral?: boolean; includeDeleted?: boolean } = {}): Json[] {
    return [...this.messages.values()]
      .filter((m) => m.channelId === channelId && (opts.includeDeleted || !m.deleted) && (opts.includeEphemeral || !m.ephemeral))
      .map((m) => m.message);
  }
}
