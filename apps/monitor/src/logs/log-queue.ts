import type { AgentLogRow } from '@sacp/event-store';

/**
 * The lines read from Docker and not yet stored, bounded in lines and bytes. A
 * follower that finds it full waits (`push` returns a promise), so its for-await loop
 * stops reading, the HTTP stream from Docker pauses and TCP pushes back on the Docker
 * daemon: memory stays bounded however fast agents write or however slowly Postgres
 * stores. Waiters resume once the queue is under half its bounds.
 */
export class LogQueue {
  private items: AgentLogRow[] = [];
  private head = 0;
  private bytes = 0;
  private waiting: Array<() => void> = [];
  private dataWaiter: (() => void) | null = null;

  constructor(
    readonly maxLines: number,
    readonly maxBytes: number,
  ) {}

  get length(): number {
    return this.items.length - this.head;
  }

  get size(): number {
    return this.bytes;
  }

  get full(): boolean {
    return this.length >= this.maxLines || this.bytes >= this.maxBytes;
  }

  /** Adds a line; resolves at once, or once there is room again when the queue is full. */
  push(row: AgentLogRow): Promise<void> | undefined {
    this.items.push(row);
    this.bytes += rowBytes(row);
    this.dataWaiter?.();
    this.dataWaiter = null;
    if (!this.full) return undefined;
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Takes up to `max` lines, oldest first. */
  take(max: number): AgentLogRow[] {
    const out = this.items.slice(this.head, this.head + max);
    this.head += out.length;
    for (const r of out) this.bytes -= rowBytes(r);
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.length <= this.maxLines / 2 && this.bytes <= this.maxBytes / 2) this.release();
    return out;
  }

  /** Resolves when a line arrives (at once if some wait), or after `ms`. */
  async waitForData(ms: number): Promise<void> {
    if (this.length > 0) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.dataWaiter = null;
        resolve();
      }, ms);
      this.dataWaiter = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** Drops everything (leadership lost: the next leader reads again from the stored cursors) and lets every waiter go. */
  clear(): void {
    this.items = [];
    this.head = 0;
    this.bytes = 0;
    this.release();
  }

  private release(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const resolve of w) resolve();
  }
}

/** What a queued line costs in memory, roughly: its text (UTF-16) and its fields. */
export const rowBytes = (r: AgentLogRow): number => r.line.length * 2 + 200;
