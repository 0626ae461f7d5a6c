/** Where a reader is in the commit-safe global order (the event store's Checkpoint). */
export interface Position {
  transactionId: string;
  globalPosition: string;
}

export const START: Position = { transactionId: '0', globalPosition: '0' };

/** The total order the relay publishes in and the store reads in: (transaction id, global position). */
export function comparePositions(a: Position, b: Position): number {
  const t = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (t !== 0n) return t < 0n ? -1 : 1;
  const p = BigInt(a.globalPosition) - BigInt(b.globalPosition);
  return p === 0n ? 0 : p < 0n ? -1 : 1;
}

/**
 * One connection's place in the event order while it switches from the catch-up
 * (read from the event store) to live delivery (the API process's JetStream feed),
 * so that the client gets every event after its position once, in order.
 *
 * The race, and why there is no gap and no duplicate:
 * - The store and SACP_EVENTS hold the same events in the same total order
 *   (transaction id, global position): the relay publishes exactly what the store's
 *   gap-safe `readAll` returns, in that order, and JetStream drops its re-publishes.
 * - The process's feed (one ordered consumer) is running before any client is
 *   served, so every event published from then on reaches `offerLive`, in order.
 * - While catching up, live events are not sent and not buffered: the cursor only
 *   notes the newest one (`liveHead`). Each is in the store already (the relay reads
 *   before it publishes, and visibility below the snapshot xmin only grows), so a
 *   later store read returns it.
 * - The catch-up ends only when a store read came back short (the safe head was
 *   reached) and what was sent reaches `liveHead`. That check and the switch to live
 *   happen in one synchronous step, so no live event can slip in between: every
 *   live event seen before the switch is at or below `sent`; every one after it is
 *   compared with `sent`, so nothing is sent twice, and events the relay publishes
 *   late (it may lag the store) are skipped until they pass `sent`.
 * - An event that was not yet safe at the last store read becomes safe, and so is
 *   published, after that read, which is after the feed started: it arrives live.
 * Nothing per connection grows while it catches up, however busy the bus is.
 *
 * The cursor covers every event, also those the client's filter hides: `sent` means
 * "the client has everything up to here that it asked for".
 */
export class ResumeCursor {
  private catchingUp = true;
  private liveHead: Position;
  private sent: Position;

  constructor(from: Position) {
    this.sent = from;
    this.liveHead = from;
  }

  get position(): Position {
    return this.sent;
  }

  get live(): boolean {
    return !this.catchingUp;
  }

  /** An event from the live feed: true when it is to be delivered now. */
  offerLive(e: Position): boolean {
    if (this.catchingUp) {
      if (comparePositions(e, this.liveHead) > 0) this.liveHead = e;
      return false;
    }
    if (comparePositions(e, this.sent) <= 0) return false;
    this.sent = e;
    return true;
  }

  /**
   * A page read from the store after `position`: the events to deliver (those past
   * what was sent). Deliver them all before calling `goLive`.
   */
  take<E extends Position>(page: E[]): E[] {
    const deliver: E[] = [];
    for (const e of page) {
      if (comparePositions(e, this.sent) <= 0) continue;
      this.sent = e;
      deliver.push(e);
    }
    return deliver;
  }

  /**
   * After a page was delivered (`full`: it held as many events as asked for, so there
   * may be more): switches to live when the store's head was reached and nothing the
   * live feed showed meanwhile is missing. Call it synchronously after the last send.
   */
  goLive(full: boolean): boolean {
    if (this.catchingUp && !full && comparePositions(this.sent, this.liveHead) >= 0) this.catchingUp = false;
    return !this.catchingUp;
  }

  /** `take` and `goLive` in one step, for a page delivered at once. */
  offerPage<E extends Position>(page: E[], full: boolean): { deliver: E[]; live: boolean } {
    const deliver = this.take(page);
    return { deliver, live: this.goLive(full) };
  }
}
