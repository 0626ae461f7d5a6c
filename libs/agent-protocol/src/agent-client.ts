import { connect } from '@nats-io/transport-node';
import type { Msg, NatsConnection } from '@nats-io/nats-core';
import type { z } from 'zod';
import { agentBusConfigFromEnv, type AgentBusConfig } from './client-config';
import { AgentProtocolLimits as L } from './limits';
import { OfferCache } from './offer-cache';
import {
  describeZodError,
  OfferReplySchema,
  REPORT_REPLY_SCHEMAS,
  REPORT_SCHEMAS,
  TaskCancelSchema,
  TaskOfferSchema,
  type Fail,
  type Hello,
  type OfferReply,
  type Progress,
  type ReportBodies,
  type ReportReply,
  type SubtaskCreate,
  type SubtaskReply,
  type Succeed,
  type TaskCancel,
  type TaskOffer,
} from './schemas';
import { agentInboxPrefix, AGENT_PROTOCOL_VERSION, AgentSubjects, type ReportKind } from './subjects';

export type AgentClientLog = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

export interface AgentClientOptions {
  /** how long one attempt of a report waits for the orchestrator's answer (default 5 s) */
  requestTimeoutMs?: number;
  /** the wait between attempts starts here and doubles up to maxBackoffMs (defaults 250 ms, 15 s) */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** a report not answered within this long is given up with an AgentReportTimeoutError (default: never, until close) */
  giveUpAfterMs?: number;
  /** shown in the server's connection list (default: the agent's user) */
  name?: string;
  log?: AgentClientLog;
}

/** A report the orchestrator did not answer within `giveUpAfterMs`, or one cut short by close(). */
export class AgentReportTimeoutError extends Error {
  override readonly name = 'AgentReportTimeoutError';
}
/** A report that is not valid protocol (the client checks before sending). */
export class AgentProtocolError extends Error {
  override readonly name = 'AgentProtocolError';
}

type Without<T> = T extends unknown ? Omit<T, 'reportId'> : never;
const decoder = new TextDecoder();

/**
 * An agent's end of protocol v1. `AgentClient.connect()` reads SACP_BUS_URL, SACP_BUS_USER,
 * SACP_BUS_PASSWORD and SACP_AGENT_ID, connects with the agent's own inbox prefix and keeps
 * reconnecting for ever. Reports (hello, progress, succeed, fail, subtask.create) are retried
 * with bounded back-off until the orchestrator answers, each under one reportId, so a report
 * survives an orchestrator restart and is counted once.
 */
export class AgentClient {
  private readonly offers = new OfferCache();
  private readonly reconnectListeners: (() => void)[] = [];
  private readonly sleepers = new Set<() => void>();
  private closing = false;

  private constructor(
    private readonly nc: NatsConnection,
    readonly agentId: string,
    private readonly options: AgentClientOptions,
  ) {
    void this.watchStatus();
  }

  static async connect(env: Record<string, string | undefined> = process.env, options: AgentClientOptions = {}): Promise<AgentClient> {
    return AgentClient.connectWith(agentBusConfigFromEnv(env), options);
  }

  static async connectWith(config: AgentBusConfig, options: AgentClientOptions = {}): Promise<AgentClient> {
    const nc = await connect({
      servers: config.url,
      name: options.name ?? config.user,
      user: config.user,
      pass: config.password,
      inboxPrefix: agentInboxPrefix(config.agentId),
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      waitOnFirstConnect: true,
      timeout: 5000,
      maxPingOut: 3,
      pingInterval: 20_000,
    });
    return new AgentClient(nc, config.agentId, options);
  }

  /**
   * Answers task offers. The same taskId+attempt offered again (a lost reply) gets the same
   * answer without calling the handler again; a handler that throws refuses the offer.
   */
  onOffer(handler: (offer: TaskOffer) => OfferReply | Promise<OfferReply>): void {
    this.serve(AgentSubjects.offer(this.agentId), async (data) => {
      const offer = this.parse(TaskOfferSchema, data);
      if (!offer.ok) return { accepted: false, reason: `invalid offer: ${offer.message}` };
      return this.offers.answer(offer.value.taskId, offer.value.attempt, async () => {
        try {
          const reply = OfferReplySchema.safeParse(await handler(offer.value));
          return reply.success ? reply.data : { accepted: false, reason: `the agent gave an invalid answer: ${describeZodError(reply.error)}` };
        } catch (err) {
          return { accepted: false, reason: (err as Error).message.slice(0, L.REASON_MAX_CHARS) || 'refused' };
        }
      });
    });
  }

  /** Called when the control plane cancels a task; the agent stops that work. Answered `{ok: true}` once the handler returns. */
  onCancel(handler: (cancel: TaskCancel) => void | Promise<void>): void {
    this.serve(AgentSubjects.cancel(this.agentId), async (data) => {
      const cancel = this.parse(TaskCancelSchema, data);
      if (!cancel.ok) return { ok: false, error: { code: 'PROTOCOL.INVALID', message: cancel.message } };
      try {
        await handler(cancel.value);
      } catch (err) {
        this.options.log?.('warn', 'the cancel handler failed', { taskId: cancel.value.taskId, error: (err as Error).message });
      }
      return { ok: true };
    });
  }

  /** Called after every reconnection (a good moment to say hello again). */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  hello(state: Omit<Hello, 'reportId' | 'protocol'>): Promise<ReportReply> {
    return this.report('hello', { protocol: AGENT_PROTOCOL_VERSION, ...state });
  }
  progress(body: Without<Progress>): Promise<ReportReply> {
    return this.report('task.progress', body);
  }
  succeed(body: Without<Succeed>): Promise<ReportReply> {
    return this.report('task.succeed', body);
  }
  fail(body: Without<Fail>): Promise<ReportReply> {
    return this.report('task.fail', body);
  }
  createSubtask(body: Omit<Without<SubtaskCreate>, 'member' | 'role' | 'inputs' | 'instructions' | 'priority'> & Partial<Without<SubtaskCreate>>): Promise<SubtaskReply> {
    const full = { member: null, role: null, instructions: '', inputs: {}, priority: 'normal' as const, ...body };
    return this.report('subtask.create', full) as Promise<SubtaskReply>;
  }

  /** Sends one report until it is answered (see the class comment). */
  async report<K extends ReportKind>(kind: K, body: Without<ReportBodies[K]>): Promise<ReportReply | SubtaskReply> {
    const full = { ...body, reportId: globalThis.crypto.randomUUID() };
    const checked = REPORT_SCHEMAS[kind].safeParse(full);
    if (!checked.success) throw new AgentProtocolError(`invalid ${kind} report: ${describeZodError(checked.error)}`);
    const payload = JSON.stringify(checked.data);
    if (payload.length > L.MESSAGE_MAX_BYTES) throw new AgentProtocolError(`the ${kind} report is over ${L.MESSAGE_MAX_BYTES} bytes (MESSAGE_MAX_BYTES)`);
    const subject = AgentSubjects.report(this.agentId, kind);
    const started = Date.now();
    let wait = this.options.minBackoffMs ?? 250;
    for (let attempt = 1; ; attempt++) {
      if (this.closing) throw new AgentReportTimeoutError(`the client closed before the ${kind} report was answered`);
      try {
        const msg = await this.nc.request(subject, payload, { timeout: this.options.requestTimeoutMs ?? 5000 });
        const reply = this.parse(REPORT_REPLY_SCHEMAS[kind], msg.data);
        return reply.ok ? (reply.value as ReportReply | SubtaskReply) : { ok: false, error: { code: 'PROTOCOL.INVALID_REPLY', message: reply.message } };
      } catch (err) {
        if (attempt === 1 || attempt % 10 === 0) this.options.log?.('warn', `the ${kind} report is not answered yet; retrying`, { attempt, error: (err as Error).message });
      }
      const giveUp = this.options.giveUpAfterMs;
      if (giveUp !== undefined && Date.now() - started + wait > giveUp) throw new AgentReportTimeoutError(`the ${kind} report was not answered within ${giveUp} ms`);
      await this.sleep(wait * (0.75 + Math.random() * 0.5));
      wait = Math.min(wait * 2, this.options.maxBackoffMs ?? 15_000);
    }
  }

  /** Stops answering, ends pending report retries and closes the connection (pending replies are flushed first). */
  async close(): Promise<void> {
    this.closing = true;
    for (const wake of this.sleepers) wake();
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }

  /** Resolves when the connection ends for good. */
  async closed(): Promise<void> {
    await this.nc.closed();
  }

  private serve(subject: string, answer: (data: Uint8Array) => Promise<unknown>): void {
    this.nc.subscribe(subject, {
      callback: (err, msg: Msg) => {
        if (err || !msg.reply) return;
        answer(msg.data)
          .then((reply) => msg.respond(JSON.stringify(reply)))
          .catch((e: Error) => this.options.log?.('error', `answering ${subject} failed`, { error: e.message }));
      },
    });
  }

  private parse<S extends z.ZodType>(schema: S, data: Uint8Array): { ok: true; value: z.infer<S> } | { ok: false; message: string } {
    if (data.length > L.MESSAGE_MAX_BYTES) return { ok: false, message: `the message is ${data.length} bytes; the limit is ${L.MESSAGE_MAX_BYTES} (MESSAGE_MAX_BYTES)` };
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(data));
    } catch {
      return { ok: false, message: 'the message is not JSON' };
    }
    const r = schema.safeParse(json);
    return r.success ? { ok: true, value: r.data } : { ok: false, message: describeZodError(r.error) };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === 'reconnect') for (const l of this.reconnectListeners) l();
      else if (s.type === 'disconnect') this.options.log?.('warn', 'bus disconnected; reconnecting');
      else if (s.type === 'error') this.options.log?.('error', 'bus error', { error: (s as { error?: Error }).error?.message });
    }
  }
}
