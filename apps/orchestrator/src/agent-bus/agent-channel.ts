import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RequestError, type Msg, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import {
  AgentProtocolLimits,
  AgentSubjects,
  CancelReplySchema,
  describeZodError,
  OfferReplySchema,
  ORCHESTRATOR_QUEUE_GROUP,
  parseReportSubject,
  REPORT_SCHEMAS,
  TaskCancelSchema,
  TaskOfferSchema,
  type CancelReply,
  type OfferReply,
  type ReportHandler,
  type TaskCancel,
  type TaskOffer,
} from '@sacp/agent-protocol';
import { type JsonLogger } from '@sacp/platform';
import { LOGGER, NATS } from '@sacp/platform/nest';

/** An offer or a cancel the agent did not answer: not connected (AGENT.UNREACHABLE) or too slow (AGENT.TIMEOUT), or its answer was not protocol (AGENT.INVALID_REPLY). */
export class AgentChannelError extends Error {
  override readonly name = 'AgentChannelError';
  constructor(
    readonly code: 'AGENT.UNREACHABLE' | 'AGENT.TIMEOUT' | 'AGENT.INVALID_REPLY',
    message: string,
  ) {
    super(message);
  }
}

/** Reports handled at once by one replica; more are left unanswered, and their agents send them again. */
export const MAX_REPORTS_IN_FLIGHT = 64;
const decoder = new TextDecoder();

/**
 * The orchestrator's end of agent protocol v1 (libs/agent-protocol): offers and cancels
 * sent to one agent, and the agents' reports on `sacp.agent.*.out.>`, which every replica
 * reads in the queue group `sacp-orchestrator` (one answers each). A report that is not
 * valid protocol is answered PROTOCOL.INVALID without reaching the handler. The subject
 * names the agent, and only that agent's credential may publish on it.
 */
@Injectable()
export class AgentChannel implements OnApplicationBootstrap, OnApplicationShutdown {
  private handler: ReportHandler | null = null;
  private subscription: Subscription | null = null;
  private inFlight = 0;
  private droppedSince = 0;

  constructor(
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  /** Who answers the reports (the task dispatcher). Until one is set, reports are logged and answered `{ok: true}`. */
  onReport(handler: ReportHandler): void {
    this.handler = handler;
  }

  /** Offers a task attempt to the agent; its answer, or an AgentChannelError. */
  async offer(agentId: string, offer: TaskOffer, timeoutMs = 5000): Promise<OfferReply> {
    const body = TaskOfferSchema.parse(offer);
    return this.ask(agentId, AgentSubjects.offer(agentId), body, timeoutMs, (json) => OfferReplySchema.safeParse(json));
  }

  /** Tells the agent to stop a task attempt; its answer, or an AgentChannelError. */
  async cancel(agentId: string, cancel: TaskCancel, timeoutMs = 5000): Promise<CancelReply> {
    const body = TaskCancelSchema.parse(cancel);
    return this.ask(agentId, AgentSubjects.cancel(agentId), body, timeoutMs, (json) => CancelReplySchema.safeParse(json));
  }

  onApplicationBootstrap(): void {
    this.subscription = this.nc.subscribe(AgentSubjects.allOutbound, {
      queue: ORCHESTRATOR_QUEUE_GROUP,
      callback: (err, msg) => {
        if (err) return this.log.error('the agent report subscription failed', { error: err.message });
        this.receive(msg);
      },
    });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  private receive(msg: Msg): void {
    if (!msg.reply) return; // a report is a request; a plain publish has nobody to answer
    if (this.inFlight >= MAX_REPORTS_IN_FLIGHT) {
      // unanswered, the agent's client sends it again after its back-off
      if (this.droppedSince++ % 100 === 0) this.log.warn('too many agent reports at once; leaving some for their agents to resend', { inFlight: this.inFlight });
      return;
    }
    this.inFlight++;
    this.handle(msg)
      .then((reply) => msg.respond(JSON.stringify(reply)))
      .catch((err: Error) => this.log.error('answering an agent report failed', { subject: msg.subject, error: err.message }))
      .finally(() => this.inFlight--);
  }

  private async handle(msg: Msg): Promise<unknown> {
    const invalid = (message: string) => ({ ok: false, error: { code: 'PROTOCOL.INVALID', message } });
    const target = parseReportSubject(msg.subject);
    if (!target) return invalid(`${msg.subject} is not an agent report subject`);
    if (msg.data.length > AgentProtocolLimits.MESSAGE_MAX_BYTES)
      return invalid(`the report is ${msg.data.length} bytes; the limit is ${AgentProtocolLimits.MESSAGE_MAX_BYTES} (MESSAGE_MAX_BYTES)`);
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(msg.data));
    } catch {
      return invalid('the report is not JSON');
    }
    const parsed = REPORT_SCHEMAS[target.kind].safeParse(json);
    if (!parsed.success) {
      this.log.warn('invalid agent report', { agentId: target.agentId, kind: target.kind, problem: describeZodError(parsed.error) });
      return invalid(`invalid ${target.kind} report: ${describeZodError(parsed.error)}`);
    }
    const body = parsed.data as { taskId?: string; attempt?: number; reportId: string };
    this.log.info('agent report', { agentId: target.agentId, kind: target.kind, reportId: body.reportId, taskId: body.taskId, attempt: body.attempt });
    if (!this.handler) return { ok: true };
    return this.handler(...([target.agentId, target.kind, parsed.data] as Parameters<ReportHandler>));
  }

  private async ask<R>(
    agentId: string,
    subject: string,
    body: unknown,
    timeoutMs: number,
    check: (json: unknown) => { success: true; data: R } | { success: false; error: Parameters<typeof describeZodError>[0] },
  ): Promise<R> {
    let msg: Msg;
    try {
      msg = await this.nc.request(subject, JSON.stringify(body), { timeout: timeoutMs });
    } catch (err) {
      if (err instanceof RequestError && err.isNoResponders()) throw new AgentChannelError('AGENT.UNREACHABLE', `agent ${agentId} is not connected to the bus`);
      throw new AgentChannelError('AGENT.TIMEOUT', `agent ${agentId} did not answer within ${timeoutMs} ms (${(err as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(msg.data));
    } catch {
      throw new AgentChannelError('AGENT.INVALID_REPLY', `agent ${agentId} answered with something that is not JSON`);
    }
    const reply = check(json);
    if (!reply.success) throw new AgentChannelError('AGENT.INVALID_REPLY', `agent ${agentId} answered: ${describeZodError(reply.error)}`);
    return reply.data;
  }
}
