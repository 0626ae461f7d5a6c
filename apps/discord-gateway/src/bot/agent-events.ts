import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { NATS } from '@sacp/bus';
import { Subjects, type StoredEvent } from '@sacp/events';

/** One agent's events as they arrive, for one follower. */
export interface AgentEventWatch {
  /** the events that arrived since the last call */
  take(): StoredEvent[];
  /** resolves when an event arrives, or after `timeoutMs` */
  next(timeoutMs: number): Promise<void>;
  close(): void;
}

/**
 * The agents' events as the relay publishes them, for replies that follow an agent
 * until it gets where a command sent it. One core subscription on `sacp.evt.agent.>`
 * (JetStream publishes reach it too), opened when the first follower asks; each event
 * is handed to the followers of its agent.
 */
@Injectable()
export class AgentEvents {
  private readonly watchers = new Map<string, Set<(e: StoredEvent) => void>>();
  private subscription: Subscription | null = null;

  constructor(@Inject(NATS) private readonly nc: NatsConnection) {}

  watch(agentId: string): AgentEventWatch {
    let buffer: StoredEvent[] = [];
    let wake: (() => void) | null = null;
    const listener = (e: StoredEvent) => {
      buffer.push(e);
      wake?.();
    };
    let set = this.watchers.get(agentId);
    if (!set) this.watchers.set(agentId, (set = new Set()));
    set.add(listener);
    this.subscribe();
    return {
      take: () => {
        const out = buffer;
        buffer = [];
        return out;
      },
      next: (timeoutMs) =>
        buffer.length
          ? Promise.resolve()
          : new Promise<void>((res) => {
              const t = setTimeout(() => ((wake = null), res()), timeoutMs);
              wake = () => {
                clearTimeout(t);
                wake = null;
                res();
              };
            }),
      close: () => {
        set.delete(listener);
        if (!set.size) this.watchers.delete(agentId);
      },
    };
  }

  private subscribe(): void {
    if (this.subscription) return;
    this.subscription = this.nc.subscribe(Subjects.event('agent.>'), {
      callback: (_err, msg) => {
        if (!this.watchers.size) return;
        let e: StoredEvent;
        try {
          e = msg.json<StoredEvent>();
        } catch {
          return;
        }
        const id = (e.data as { agentId?: unknown } | null)?.agentId;
        if (typeof id === 'string') for (const l of this.watchers.get(id) ?? []) l(e);
      },
    });
  }
}
