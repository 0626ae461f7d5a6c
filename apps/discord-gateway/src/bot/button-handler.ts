/*
 * The bot's buttons: ◀ ▶ on status pages, and confirm / cancel on a destructive
 * command held for its requester. Roles are checked again at the click; the command
 * id is the original message's or interaction's, so a second click runs nothing twice.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { ButtonInteraction } from 'discord.js';
import { JsonLogger } from '@sacp/platform';
import { LOGGER } from '@sacp/platform/nest';
import { inertLine } from '../text/inert';
import { specOf, subjectOf } from './command-specs';
import { CommandIntake, discordActor } from './command-intake';
import { Confirmations } from './confirmations';
import { refusedReply } from './replies';
import { InteractionResponder, NO_PINGS } from './responders';
import { allows } from './roles';
import { StatusReader } from './status-reader';

@Injectable()
export class ButtonHandler {
  constructor(
    @Inject(CommandIntake) private readonly intake: CommandIntake,
    @Inject(Confirmations) private readonly confirmations: Confirmations,
    @Inject(StatusReader) private readonly reader: StatusReader,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  async onButton(interaction: ButtonInteraction): Promise<void> {
    const [ns, kind, ...rest] = interaction.customId.split(':');
    if (ns !== 'sacp') return;
    const held = this.intake.roleOf(interaction.member);
    const responder = new InteractionResponder(interaction, this.log);

    if (kind === 'page') {
      const status = specOf('status')!;
      if (!allows(held, status.role)) return responder.privately(refusedReply(status, held));
      const [page, target] = rest;
      await interaction.deferUpdate();
      await responder.answer(await this.reader.status(target ? decodeURIComponent(target) : null, Number(page) || 1));
      return;
    }
    if (kind !== 'confirm' && kind !== 'cancel') return;
    const origin = rest[0] ?? '';
    const found = this.confirmations.find(origin);
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
      this.confirmations.forget(origin);
      await interaction.update({ content: `✖️ cancelled: ${cmd.spec.name} ${inertLine(subjectOf(cmd))} was not run`, components: [], allowedMentions: NO_PINGS });
      return;
    }
    const actor = discordActor(interaction.member && 'displayName' in interaction.member ? interaction.member : null, interaction.user);
    const source = `discord:${interaction.guildId}/${interaction.channelId}`;
    // roles are checked again at the click: they may have changed in the meantime
    if (!allows(held, cmd.spec.role)) {
      await responder.privately(refusedReply(cmd.spec, held));
      return this.intake.auditRefusal(cmd.spec, cmd, `discord-${interaction.id}`, actor, source, held);
    }
    found.started = true;
    await interaction.update({
      content: `⏳ ${cmd.spec.name} ${inertLine(subjectOf(cmd))}: confirmed by <@${interaction.user.id}>…`,
      components: [],
      allowedMentions: NO_PINGS,
    });
    responder.acknowledged = true;
    // the command id is the original message's or interaction's: confirming twice, or a retried click, runs it once
    await this.intake.run(cmd, { commandId: `discord-${origin}`, actor, source, held, responder });
  }
}
