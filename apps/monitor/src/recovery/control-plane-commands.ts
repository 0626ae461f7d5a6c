import type { NatsConnection } from '@nats-io/nats-core';
import { requestJson } from '@sacp/bus';
import { type StoredEvent, type CommandReply, Subjects } from '@sacp/events';
import type { JsonLogger } from '@sacp/platform';

export const MONITOR_ACTOR = { kind: 'system' as const, id: 'monitor', displayName: 'monitor' };

/**
 * Commands the monitor sends to the orchestrator. Each carries a command id derived
 * from the event it answers, so a retry, a second monitor replica, or a restarted
 * monitor re-reading history can send it again without a second effect.
 */
export class ControlPlaneCommands {
  constructor(
    private readonly nc: NatsConnection,
    private readonly log: JsonLogger,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(type: string, payload: unknown, o: { commandId: string; cause: StoredEvent | null; source: string; reason?: string }): Promise<CommandReply | null> {
    const envelope = {
      type,
      version: 1,
      commandId: o.commandId,
      correlationId: o.cause?.metadata.correlationId ?? o.commandId,
      causationId: o.cause?.eventId ?? null,
      actor: MONITOR_ACTOR,
      source: o.source,
      ...(o.reason ? { reason: o.reason.slice(0, 500) } : {}),
      payload,
    };
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        const reply = await requestJson<CommandReply>(this.nc, Subjects.command(type, MONITOR_ACTOR.kind), envelope, this.timeoutMs);
        if (!reply.ok && reply.error.code !== 'AGENT.CONFLICT' && reply.error.code !== 'STORE.UNAVAILABLE') {
          this.log.warn('command refused', { type, commandId: o.commandId, code: reply.error.code, error: reply.error.message });
          return reply;
        }
        if (reply.ok) return reply;
      } catch (err) {
        this.log.warn('command not delivered; retrying with the same command id', { type, commandId: o.commandId, attempt, error: err });
      }
      await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    }
    this.log.error('command not delivered after 5 attempts; the next observation pass tries again', { type, commandId: o.commandId });
    return null;
  }
}
