/*
 * How a command's answers reach the user who sent it: a reply to a `!` message
 * (edited as the command goes on; private answers by direct message), or the answer
 * to an interaction (deferred within Discord's 3 s, private answers ephemeral).
 */
import { DiscordAPIError, MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction, type Message } from 'discord.js';
import type { JsonLogger } from '@sacp/platform';
import type { BotReply } from './reply-types';

/**
 * Every message the bot sends pings nobody: a mention in it (user text is made inert
 * anyway) renders but notifies no one, and a reply does not notify its author.
 */
export const NO_PINGS = { parse: [] as never[], repliedUser: false };

/** How a command's answers reach the user who sent it. */
export interface Responder {
  /** the first answer, or an edit of it; a reply marked private is shown only to the user where Discord allows */
  answer(r: BotReply): Promise<void>;
  /** only the user sees it */
  privately(r: BotReply): Promise<void>;
  /** acknowledges before a slow answer */
  defer(): Promise<void>;
}

/** Replies to a `!` message: the first reply is a message, later ones edit it. Private replies go by DM. */
export class MessageResponder implements Responder {
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
export class InteractionResponder implements Responder {
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
