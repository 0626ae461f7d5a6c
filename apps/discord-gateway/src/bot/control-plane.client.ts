import type { NatsConnection } from '@nats-io/nats-core';
import { BusError, busUnavailable, requestJson } from '@sacp/bus';
import { ErrorCodes, type WireError, type Actor, type CommandReply, type QueryReply, Subjects } from '@sacp/events';
import type { JsonLogger } from '@sacp/platform';

export interface SendOptions {
  commandId: string;
  actor: Actor;
  source: string;
  reason?: string | null;
  /** called once when the bus does not answer and the command is being retried */
  onWaiting?: (error: WireError) => void | Promise<void>;
}

const BUS_CODES = new Set<string>([ErrorCodes.BUS_UNAVAILABLE, ErrorCodes.BUS_NO_RESPONDERS, ErrorCodes.BUS_TIMEOUT]);

/**
 * The bot's side of the bus. A command keeps its id across retries, so retrying
 * while NATS or the orchestrator is away can never run it twice: the orchestrator
 * answers a repeated id with the first outcome.
 */
export class ControlPlaneClient {
  /** false between a disconnect and the next reconnect: requests then fail at once instead of waiting out a timeout */
  private connected = true;

  constructor(
    private readonly nc: NatsConnection,
    private readonly log: JsonLogger,
    private readonly opts: { requestTimeoutMs: number; retryForMs: number; natsUrl: string },
  ) {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') this.connected = false;
        else if (s.type === 'reconnect') this.connected = true;
      }
    })().catch(() => undefined);
  }

  private request<R>(subject: string, body: unknown): Promise<R> {
    if (!this.connected || this.nc.isClosed()) return Promise.reject(busUnavailable(this.opts.natsUrl, new Error('disconnected; reconnecting')));
    return requestJson<R>(this.nc, subject, body, this.opts.requestTimeoutMs, this.opts.natsUrl);
  }

  async command<R = Record<string, unknown>>(type: string, payload: unknown, o: SendOptions): Promise<CommandReply<R>> {
    const body = { type, version: 1, commandId: o.commandId, actor: o.actor, source: o.source, ...(o.reason ? { reason: o.reason } : {}), payload };
    return this.withRetry(
      () => this.request<CommandReply<R>>(Subjects.command(type, o.actor.kind), body),
      (error) => ({ ok: false, commandId: o.commandId, duplicate: false, error }),
      { what: type, commandId: o.commandId, onWaiting: o.onWaiting },
    );
  }

  async query<R>(type: string, payload: unknown, onWaiting?: SendOptions['onWaiting']): Promise<QueryReply<R>> {
    return this.withRetry(
      () => this.request<QueryReply<R>>(Subjects.query(type), payload),
      (error) => ({ ok: false, error }),
      { what: type, commandId: null, onWaiting, retryForMs: Math.min(this.opts.retryForMs, 10_000) },
    );
  }

  private async withRetry<T>(
    attempt: () => Promise<T>,
    failed: (e: WireError) => T,
    o: { what: string; commandId: string | null; onWaiting?: SendOptions['onWaiting']; retryForMs?: number },
  ): Promise<T> {
    const deadline = Date.now() + (o.retryForMs ?? this.opts.retryForMs);
    let told = false;
    let delay = 250;
    let timedOut = false;
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof BusError) && !BUS_CODES.has((err as { code?: string }).code ?? '')) throw err;
        const e = err as BusError;
        if (e.code === 'BUS.TIMEOUT') timedOut = true;
        this.log.warn('the bus did not answer; retrying with the same command id', { what: o.what, commandId: o.commandId, attempt: n, code: e.code });
        if (!told && o.onWaiting) {
          told = true;
          await Promise.resolve(o.onWaiting({ code: e.code, message: e.message })).catch(() => undefined);
        }
        // the last attempt is made at the deadline: the whole window is tried, not only the part whole delays fit in
        const left = deadline - Date.now();
        if (left <= 0) {
          const seconds = Math.round((o.retryForMs ?? this.opts.retryForMs) / 1000);
          const message =
            timedOut && o.commandId
              ? `the control plane did not confirm this within ${seconds} s; it may still happen. Check with status before you repeat it`
              : `the control plane cannot be reached (${e.code === 'BUS.NO_RESPONDERS' ? 'no orchestrator is answering' : 'the message bus is down'}); nothing was done. Try again when it is back`;
          return failed({ code: e.code, message, details: { attempts: n } });
        }
        await new Promise((r) => setTimeout(r, Math.min(delay, left)));
        delay = Math.min(delay * 2, 2000);
      }
    }
  }
}
