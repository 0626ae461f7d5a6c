import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { Subjects } from '@sacp/events';
import { NATS } from '@sacp/platform/nest';
import { ProjectionRunner } from '../projection/projection-runner';
import { Reconciler } from '../reconcile/reconciler';
import { EventRelay } from '../relay/event-relay';
import { Leadership } from './leadership';

/**
 * Writers (any replica) announce their commits on `sacp.internal.appended`: the
 * leader relays, projects and reconciles the streams named at once instead of at its
 * next poll. A hint only hurries what the periodic passes do anyway.
 */
@Injectable()
export class CommitHints implements OnApplicationBootstrap, OnModuleDestroy {
  private subscription: Subscription | null = null;

  constructor(
    @Inject(NATS) private readonly nc: NatsConnection,
    private readonly leadership: Leadership,
    private readonly relay: EventRelay,
    private readonly projection: ProjectionRunner,
    private readonly reconciler: Reconciler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = this.nc.subscribe(Subjects.appended, {
      callback: (_err, msg) => {
        if (!this.leadership.holdsLease) return;
        this.relay.notify();
        this.projection.schedule();
        let streams: unknown = [];
        try {
          streams = JSON.parse(msg.string());
        } catch {
          return;
        }
        if (Array.isArray(streams)) for (const s of streams) if (typeof s === 'string') this.reconciler.onStreamChanged(s);
      },
    });
    await this.nc.flush();
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
