/*
 * What happens to a command once it is read, whichever way it came: a usage error is
 * answered, a refusal answered privately and audited, a destructive command held for
 * its requester's click, and the rest run with the message or interaction id as the
 * command id, so that a redelivered message or interaction never runs twice.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { GuildMember } from 'discord.js';
import { BusClient } from '@sacp/bus';
import type { Actor, Role } from '@sacp/events';
import { JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import type { DiscordGatewayConfig } from '../config';
import { subjectOf, type ParseResult, type ParsedCommand, type CommandSpec } from './command-specs';
import { CommandRunner } from './command-runner';
import { Confirmations } from './confirmations';
import { confirmReply, refusedReply, usageReply } from './replies';
import type { Responder } from './responders';
import { allows, memberRole, type RoleMap } from './roles';

/** Where a command came from and how to answer it. */
export interface Origin {
  /** the message's or interaction's id: the command id is derived from it */
  originId: string;
  userId: string;
  member: unknown;
  actor: Actor;
  /** discord:<guild>/<channel> */
  source: string;
  responder: Responder;
  started: number;
}

/** The Discord user as the actor of their commands. */
export function discordActor(member: Pick<GuildMember, 'displayName'> | null, user: { id: string; username: string; globalName?: string | null }): Actor {
  return { kind: 'discord', id: user.id, displayName: (member?.displayName || user.globalName || user.username).slice(0, 200) };
}

@Injectable()
export class CommandIntake {
  private readonly roles: RoleMap;

  constructor(
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    @Inject(Confirmations) private readonly confirmations: Confirmations,
    @Inject(BusClient) private readonly bus: BusClient,
    @Inject(LOGGER) private readonly log: JsonLogger,
    @Inject(CONFIG) config: DiscordGatewayConfig,
  ) {
    this.roles = config.roles;
  }

  /** The member's control-plane role; Discord's own command permissions are never relied on. */
  roleOf(member: unknown): Role | null {
    return memberRole(member, this.roles);
  }

  async handle(parsed: ParseResult, c: Origin): Promise<void> {
    const { responder, actor, source } = c;
    const commandId = `discord-${c.originId}`;
    if (!parsed.ok) return responder.answer(usageReply(parsed.problem, parsed.usage));
    const cmd = parsed.command;
    const held = this.roleOf(c.member);
    if (!allows(held, cmd.spec.role)) {
      await responder.privately(refusedReply(cmd.spec, held));
      return this.auditRefusal(cmd.spec, cmd, commandId, actor, source, held);
    }
    if (cmd.spec.destructive && !cmd.yes) {
      this.confirmations.hold(c.originId, c.userId, { parsed: cmd, responder });
      return responder.answer(confirmReply(cmd.spec, subjectOf(cmd), c.originId, c.userId));
    }
    if (cmd.spec.name !== 'help') await responder.defer();
    await this.run(cmd, { commandId, actor, source, held, responder });
    this.log.info('command answered', { commandId, command: cmd.spec.name, actor: actor.id, millis: Date.now() - c.started });
  }

  /** Runs a command that passed its checks, showing progress and then the final answer. */
  async run(cmd: ParsedCommand, c: { commandId: string; actor: Actor; source: string; held: Role | null; responder: Responder }): Promise<void> {
    const final = await this.runner.run(cmd, { commandId: c.commandId, actor: c.actor, source: c.source, held: c.held, progress: (r) => c.responder.answer(r) });
    await c.responder.answer(final);
  }

  /** Records a refusal in the audit trail and the event log (the refused user has been told already). */
  async auditRefusal(spec: CommandSpec, cmd: ParsedCommand | null, commandId: string, actor: Actor, source: string, held: Role | null): Promise<void> {
    const reply = await this.bus.send(
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
}
