import type { NatsConnection } from '@nats-io/nats-core';
import { BusClient, isUndelivered, retryFor } from '@sacp/bus';
import type { CommandPayload, CommandResult, CommandType, StoredEvent, CommandReply } from '@sacp/events';
import type { JsonLogger } from '@sacp/platform';

export const MONITOR_ACTOR = { kind: 'system' as const, id: 'monitor', displayName: 'monitor' };

/**
 * The monitor works in the background: it waits out an orchestrator restart or a
 * Postgres blip (a conflict or an unavailable store means nothing was done) for about
 * as long as a restart takes, then leaves the decision to its next observation pass.
 */
export const MONITOR_RETRY = retryFor(15_000, { initialDelayMs: 500, maxDelayMs: 8000, retryReplyCodes: ['AGENT.CONFLICT', 'STORE.UNAVAILABLE'] });

/**
 * Commands the monitor sends to the orchestrator. Each carries a command id derived
 * from the event it answers, so a retry, a second monitor replica, or a restarted
 * monitor re-reading history can send it again without a second effect.
 */
export class ControlPlaneCommands {
  private readonly bus: BusClient;

  constructor(
    nc: NatsConnection,
    private readonly log: JsonLogger,
    timeoutMs = 10_000,
  ) {
    this.bus = new BusClient(nc, { url: 'NATS', requestTimeoutMs: timeoutMs, retry: MONITOR_RETRY, actor: MONITOR_ACTOR, log: (l, m, x) => log.write(l, m, x) });
  }

  /** The reply, or null when it was not delivered (or still said "try again") when the retries ran out. */
  async send<K extends CommandType>(
    type: K,
    payload: CommandPayload<K>,
    o: { commandId: string; cause: StoredEvent | null; source: string; reason?: string },
  ): Promise<CommandReply<CommandResult<K>> | null> {
    const reply = await this.bus.send(type, payload, {
      commandId: o.commandId,
      correlationId: o.cause?.metadata.correlationId ?? o.commandId,
      causationId: o.cause?.eventId ?? null,
      source: o.source,
      ...(o.reason ? { reason: o.reason.slice(0, 500) } : {}),
    });
    if (reply.ok) return reply;
    if (isUndelivered(reply.error) || MONITOR_RETRY.retryReplyCodes!.includes(reply.error.code)) {
      this.log.error('command not delivered; the next observation pass tries again', { type, commandId: o.commandId, code: reply.error.code, error: reply.error.message });
      return null;
    }
    this.log.warn('command refused', { type, commandId: o.commandId, code: reply.error.code, error: reply.error.message });
    return reply;
  }
}
