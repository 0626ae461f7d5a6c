import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import type { DiscordGatewayConfig } from '../config';
import { inertLine } from '../text/inert';
import { subjectOf, type ParsedCommand } from './command-specs';
import { InFlight } from './in-flight';
import { PendingConfirmations, type Dropped } from './pending-confirmations';
import type { Responder } from './responders';

export const CONFIRM_TTL_MS = 5 * 60_000;

/** A destructive command held for its requester's click, and the reply that asked for it. */
export interface Held {
  parsed: ParsedCommand;
  responder: Responder;
}

/**
 * Destructive commands waiting for their requester's click (see PendingConfirmations
 * for the bounds). Whoever's confirmation is dropped or expires is told: its message
 * loses its buttons and says why, even when nobody adds a confirmation for a while.
 */
@Injectable()
export class Confirmations implements OnModuleInit, OnModuleDestroy {
  private readonly pending: PendingConfirmations<Held>;
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(CONFIG) config: DiscordGatewayConfig,
    @Inject(InFlight) private readonly inFlight: InFlight,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {
    this.pending = new PendingConfirmations<Held>({ max: config.DISCORD_CONFIRM_MAX, perUser: config.DISCORD_CONFIRM_PER_USER, ttlMs: CONFIRM_TTL_MS });
  }

  onModuleInit(): void {
    this.pruneTimer = setInterval(() => this.tellDropped(this.pending.prune(Date.now())), 30_000);
    this.pruneTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
  }

  hold(origin: string, requesterId: string, held: Held): void {
    this.tellDropped(this.pending.add(origin, requesterId, held, Date.now()));
  }

  find(origin: string): ReturnType<PendingConfirmations<Held>['get']> {
    return this.pending.get(origin, Date.now());
  }

  forget(origin: string): void {
    this.pending.delete(origin);
  }

  private tellDropped(dropped: Dropped<Held>[]): void {
    for (const { entry, reason } of dropped) {
      const what = `${entry.command.parsed.spec.name} ${inertLine(subjectOf(entry.command.parsed))}`;
      const content =
        reason === 'evicted'
          ? `⌛ ${what} was not run: this confirmation was dropped to make room for newer ones (too many were waiting). Run the command again if you still want it.`
          : `⌛ ${what} was not run: not confirmed within ${CONFIRM_TTL_MS / 60_000} minutes. Run the command again if you still want it.`;
      this.log.info('a confirmation was dropped', { origin: entry.origin, requester: entry.requesterId, reason, command: entry.command.parsed.spec.name });
      this.inFlight.track(entry.command.responder.answer({ content, components: [] }));
    }
  }
}
