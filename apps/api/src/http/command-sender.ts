import { Injectable } from '@nestjs/common';
import { BusClient } from '@sacp/bus';
import type { CommandPayload, CommandResult, CommandType } from '@sacp/events';
import { actorOf, type Principal } from '../auth/principal';
import { ApiCodes, ApiError } from './api-error';
import { toHttpException } from './wire-error.to-http';

/** What a command endpoint answers (202): the command's id, its outcome, and where to follow it. */
export interface CommandAccepted<R = unknown> {
  commandId: string;
  /** true when this id was carried out before: the first outcome, unchanged */
  duplicate: boolean;
  result: R;
  events: { eventId: string; type: string; streamId: string; streamPosition: number }[];
  links: { command: string } & Record<string, string>;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,100}$/;

/**
 * The API's one way to change anything: a bus command with the caller as its actor,
 * sent with the API's own credential. An `Idempotency-Key` becomes the command id
 * (within the caller's own keys), so a retried request is carried out once, and the
 * same key with another body is refused (409 COMMAND.ID_REUSED).
 */
@Injectable()
export class CommandSender {
  constructor(private readonly bus: BusClient) {}

  async send<K extends CommandType>(
    principal: Principal,
    type: K,
    payload: CommandPayload<K>,
    o: { idempotencyKey?: string | undefined; reason?: string | undefined; links?: Record<string, string> } = {},
  ): Promise<CommandAccepted<CommandResult<K>>> {
    const actor = actorOf(principal);
    let commandId: string | undefined;
    if (o.idempotencyKey !== undefined) {
      if (!IDEMPOTENCY_KEY.test(o.idempotencyKey))
        throw new ApiError(400, ApiCodes.REQUEST_INVALID, 'the Idempotency-Key header is 1-100 characters of A-Z, a-z, 0-9, "_", ".", ":" and "-"', {
          header: 'Idempotency-Key',
        });
      commandId = `api:${actor.id}:${o.idempotencyKey}`;
    }
    const reply = await this.bus.send(type, payload, { actor, source: 'api', ...(commandId ? { commandId } : {}), ...(o.reason ? { reason: o.reason } : {}) });
    if (!reply.ok) throw toHttpException(reply.error);
    return {
      commandId: reply.commandId,
      duplicate: reply.duplicate,
      result: reply.result,
      events: reply.events,
      links: { command: `/api/v1/commands/${encodeURIComponent(reply.commandId)}`, ...o.links },
    };
  }
}
