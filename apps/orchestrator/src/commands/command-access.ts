import { Inject, Injectable } from '@nestjs/common';
import { COMMAND_TYPES, ErrorCodes, ActorSchema, isSenderKind, maySend, SENDER_COMMANDS, SENDER_KINDS, parseCommandSubject } from '@sacp/events';
import { DomainError } from '@sacp/domain';
import { CommandAudit } from '@sacp/event-store';
import { type JsonLogger } from '@sacp/platform';
import { LOGGER } from '@sacp/platform/nest';

/**
 * The orchestrator's half of "a command's actor kind must be one its sender may
 * claim". NATS permissions bind each credential to the `.<kind>` subjects it may
 * publish; this checks that the envelope agrees with its subject and that the kind
 * may send the type, so a sender can never act as another (e.g. a front door as
 * the monitor). A refusal is audited and changes nothing, not even the command id,
 * so the rightful sender can still use it.
 */
@Injectable()
export class CommandAccess {
  constructor(
    private readonly audit: CommandAudit,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  /** The command type the subject names, once its sender may send it; otherwise the refusal, audited, thrown as ACCESS.DENIED. */
  async admit(subject: string, body: unknown): Promise<string> {
    const problem = this.check(subject, body);
    if (problem) {
      await this.refuse(subject, body, problem);
      throw new DomainError(ErrorCodes.ACCESS_DENIED, problem, { subject });
    }
    return parseCommandSubject(subject)!.type;
  }

  private check(subject: string, body: unknown): string | null {
    const route = parseCommandSubject(subject);
    if (!route) return `commands are sent on sacp.cmd.<aggregate>.<action>.<actorKind>; "${subject}" names no sender kind`;
    if (!isSenderKind(route.kind)) return `"${route.kind}" in "${subject}" is not an actor kind (${SENDER_KINDS.join(', ')})`;
    const actor = ActorSchema.safeParse((body as { actor?: unknown } | null)?.actor);
    // an envelope without a valid actor is malformed, which the pipeline reports in detail
    if (actor.success && actor.data.kind !== route.kind)
      return `the envelope claims actor kind "${actor.data.kind}" but was sent on the subject of "${route.kind}" senders: a sender may claim only its own kind`;
    if ((COMMAND_TYPES as readonly string[]).includes(route.type) && !maySend(route.kind, route.type))
      return `a ${route.kind} sender may not send ${route.type}; it may send ${SENDER_COMMANDS[route.kind].join(', ')}`;
    return null;
  }

  private async refuse(subject: string, body: unknown, message: string): Promise<void> {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const commandId = typeof b.commandId === 'string' ? b.commandId.slice(0, 200) : null;
    const actor = ActorSchema.safeParse(b.actor);
    const commandType = parseCommandSubject(subject)?.type ?? (typeof b.type === 'string' ? b.type.slice(0, 100) : null);
    this.log.warn('command refused: sender may not claim it', { subject, commandId, actor: actor.success ? actor.data : null, error: message });
    // the payload is not recorded: a refused sender's input is untrusted and may hold a secret
    await this.audit
      .record({
        commandId,
        commandType,
        actor: actor.success ? actor.data : null,
        source: typeof b.source === 'string' ? b.source.slice(0, 300) : null,
        outcome: 'refused',
        errorCode: ErrorCodes.ACCESS_DENIED,
        message,
        payload: null,
      })
      .catch((err: unknown) => this.log.error('could not audit a refused command', { subject, error: err }));
  }
}
