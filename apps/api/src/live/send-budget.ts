export interface BufferLimits {
  /** frames handed to the socket and not yet written out */
  maxMessages: number;
  /** bytes queued in the socket (ws `bufferedAmount`) */
  maxBytes: number;
}

export const DEFAULT_BUFFER_LIMITS: BufferLimits = { maxMessages: 2000, maxBytes: 4 * 1024 * 1024 };

export type Admission = 'send' | 'drop' | 'overflow';

/**
 * How much one connection may have queued on its way out. The server never keeps a
 * queue of its own: a frame is either handed to the socket at once or refused, so a
 * connection's memory is at most the limits (plus one frame). A frame that must not
 * be lost (an event) past the limit means the client is too slow: overflow, then a
 * resync. A frame that may be lost (a resource sample: the next one replaces it) is
 * dropped once the buffer is half full, so a busy monitor never cuts a client off.
 */
export class SendBudget {
  private inFlight = 0;

  constructor(private readonly limits: BufferLimits) {}

  get pending(): number {
    return this.inFlight;
  }

  admit(bufferedAmount: number, bytes: number, lossy = false): Admission {
    const count = this.inFlight + 1;
    const total = bufferedAmount + bytes;
    if (lossy) return count <= this.limits.maxMessages / 2 && total <= this.limits.maxBytes / 2 ? 'send' : 'drop';
    return count <= this.limits.maxMessages && total <= this.limits.maxBytes ? 'send' : 'overflow';
  }

  /** Below the low-water mark (a quarter of each limit): a catch-up reads its next page only then. */
  drained(bufferedAmount: number): boolean {
    return this.inFlight <= this.limits.maxMessages / 4 && bufferedAmount <= this.limits.maxBytes / 4;
  }

  sending(): void {
    this.inFlight++;
  }

  written(): void {
    if (this.inFlight > 0) this.inFlight--;
  }
}
