import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { jetstream, jetstreamManager, DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { EVENT_STREAM, Subjects, type StoredEvent, type TemplateVersionRegisteredDataV1 } from '@sacp/events';
import { evolveAgent, type EvolvableEvent, initialAgentState, type AgentState, TemplateSchema, type Template } from '@sacp/domain';
import { ensureEventStream } from '@sacp/bus';
import { JsonLogger } from '@sacp/platform';
import { NATS } from '@sacp/platform/nest';

export interface FleetChange {
  event: StoredEvent;
  before: AgentState;
  after: AgentState;
}

export type FleetListener = (change: FleetChange, live: boolean) => void | Promise<void>;

/**
 * The monitor's picture of the fleet, folded from the SACP_EVENTS stream from its
 * first message: every agent's state and every template version. Nothing is kept
 * that the events do not say, so a restarted monitor rebuilds exactly what it had.
 * Listeners see each agent event with the state before and after it; `live` is false
 * while the history is being read at start-up. It starts reading when the service
 * has started (every listener is registered by then) and stops first at shutdown.
 */
@Injectable()
export class FleetView implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly agents = new Map<string, AgentState>();
  private readonly templates = new Map<string, Template>();
  private readonly listeners: FleetListener[] = [];
  private messages: ConsumerMessages | null = null;
  private live = false;
  private caughtUpResolve!: () => void;
  readonly caughtUp = new Promise<void>((r) => (this.caughtUpResolve = r));

  constructor(
    @Inject(NATS) private readonly nc: NatsConnection,
    private readonly log: JsonLogger,
  ) {}

  onChange(listener: FleetListener): void {
    this.listeners.push(listener);
  }

  agent(agentId: string): AgentState | undefined {
    return this.agents.get(agentId);
  }

  /** Agents that exist and are not removed. */
  all(): AgentState[] {
    return [...this.agents.values()].filter((a) => a.exists && a.observed !== 'removed');
  }

  /** Every agent the events name, removed ones included (log search finds their lines by name). */
  everAgents(): AgentState[] {
    return [...this.agents.values()];
  }

  template(ref: { name: string; version: number } | null): Template | undefined {
    return ref ? this.templates.get(`${ref.name}@${ref.version}`) : undefined;
  }

  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  async start(): Promise<void> {
    await ensureEventStream(this.nc);
    const jsm = await jetstreamManager(this.nc);
    const lastSeq = (await jsm.streams.info(EVENT_STREAM)).state.last_seq;
    if (lastSeq === 0) this.markLive();
    const consumer = await jetstream(this.nc).consumers.get(EVENT_STREAM, { filter_subjects: Subjects.eventWildcard, deliver_policy: DeliverPolicy.All });
    this.messages = await consumer.consume();
    void (async () => {
      for await (const m of this.messages!) {
        try {
          await this.apply(m.json<StoredEvent>());
        } catch (err) {
          this.log.error('could not apply an event to the fleet view', { seq: m.seq, error: err });
        }
        if (!this.live && m.seq >= lastSeq) this.markLive();
      }
    })();
  }

  async stop(): Promise<void> {
    await this.messages?.close();
  }

  private markLive(): void {
    this.live = true;
    this.caughtUpResolve();
    this.log.info('fleet view caught up', { agents: this.all().length, templates: this.templates.size });
  }

  private async apply(event: StoredEvent): Promise<void> {
    if (event.type === 'template.version_registered') {
      const d = event.data as TemplateVersionRegisteredDataV1;
      const parsed = TemplateSchema.safeParse(d.definition);
      if (parsed.success) this.templates.set(`${d.name}@${d.version}`, parsed.data);
      return;
    }
    if (!event.streamId.startsWith('agent-') || event.streamId.startsWith('agent-name-')) {
      for (const l of this.listeners) await l({ event, before: initialAgentState(), after: initialAgentState() }, this.live);
      return;
    }
    const agentId = event.streamId.slice('agent-'.length);
    const before = this.agents.get(agentId) ?? initialAgentState(agentId);
    if (event.streamPosition <= before.version) return; // redelivered
    const after = evolveAgent(before, event as unknown as EvolvableEvent);
    this.agents.set(agentId, after);
    for (const l of this.listeners) await l({ event, before, after }, this.live);
  }
}
