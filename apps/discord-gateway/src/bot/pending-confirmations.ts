/*
 * Destructive commands waiting for their requester's click, bounded: at most `max` in
 * all and `perUser` per requester, each for `ttlMs`. Adding past a cap drops the
 * oldest (of that user first, else of anyone); whatever is dropped or expires is
 * handed back so the bot can tell its requester, and a later click on it is answered
 * with why it is gone (remembered for a bounded number of ids). Pure: time is an input.
 */

export type GoneReason = 'expired' | 'evicted';

export interface Pending<C> {
  origin: string;
  requesterId: string;
  command: C;
  expires: number;
  /** set once a click has started it: later clicks are told, not run */
  started: boolean;
}

export interface Dropped<C> {
  entry: Pending<C>;
  reason: GoneReason;
}

export interface ConfirmationLimits {
  max: number;
  perUser: number;
  ttlMs: number;
  /** how many dropped ids are remembered to answer a late click (default 4 × max) */
  remember?: number;
}

export const DEFAULT_CONFIRMATION_LIMITS: ConfirmationLimits = { max: 500, perUser: 5, ttlMs: 5 * 60_000 };

export class PendingConfirmations<C> {
  /** in insertion order: the first is the oldest */
  private readonly entries = new Map<string, Pending<C>>();
  private readonly gone = new Map<string, GoneReason>();

  constructor(private readonly limits: ConfirmationLimits = DEFAULT_CONFIRMATION_LIMITS) {}

  get size(): number {
    return this.entries.size;
  }

  /** Adds one; returns what had to make room and what had expired. */
  add(origin: string, requesterId: string, command: C, now: number): Dropped<C>[] {
    const dropped = this.prune(now);
    const mine = [...this.entries.values()].filter((e) => e.requesterId === requesterId && !e.started);
    for (let i = 0; i <= mine.length - this.limits.perUser; i++) dropped.push(this.drop(mine[i]!, 'evicted'));
    while (this.entries.size >= this.limits.max) {
      const all = [...this.entries.values()];
      const oldest = all.find((e) => !e.started);
      // one already running is only kept to answer a second click: it goes quietly
      if (oldest) dropped.push(this.drop(oldest, 'evicted'));
      else this.entries.delete(all[0]!.origin);
    }
    this.entries.set(origin, { origin, requesterId, command, expires: now + this.limits.ttlMs, started: false });
    this.gone.delete(origin);
    return dropped;
  }

  /** The waiting confirmation, or why there is none ('unknown': never seen, or forgotten, e.g. across a restart). */
  get(origin: string, now: number): Pending<C> | { gone: GoneReason | 'unknown' } {
    const e = this.entries.get(origin);
    if (e && (e.started || e.expires >= now)) return e;
    if (e) this.drop(e, 'expired');
    return { gone: this.gone.get(origin) ?? 'unknown' };
  }

  delete(origin: string): void {
    this.entries.delete(origin);
  }

  /** Removes the expired ones (not those already running) and returns them. */
  prune(now: number): Dropped<C>[] {
    const out: Dropped<C>[] = [];
    for (const e of [...this.entries.values()]) if (!e.started && e.expires < now) out.push(this.drop(e, 'expired'));
    // a started one is kept a while to answer "already confirmed", then forgotten
    for (const e of [...this.entries.values()]) if (e.started && e.expires + this.limits.ttlMs < now) this.entries.delete(e.origin);
    return out;
  }

  private drop(e: Pending<C>, reason: GoneReason): Dropped<C> {
    this.entries.delete(e.origin);
    this.gone.set(e.origin, reason);
    const keep = this.limits.remember ?? this.limits.max * 4;
    while (this.gone.size > keep) this.gone.delete(this.gone.keys().next().value!);
    return { entry: e, reason };
  }
}
