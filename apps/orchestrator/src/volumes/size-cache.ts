/** A measurement and when it was taken. */
export interface Measured<T> {
  value: T;
  at: string;
}

/** What a read found: the freshest measurement there is, and whether a newer one is still running. */
export interface CachedRead<T> {
  last: Measured<T> | null;
  pending: boolean;
}

/**
 * One slow measurement (Docker's disk-usage report) shared by every reader: at most one
 * runs at a time, a result is reused for `ttlMs`, and a reader waits at most `waitMs`
 * for a new one, then takes the last one there is. A failed measurement keeps the last
 * result. Framework-free, with its clock injected, so its timing can be tested.
 */
export class SizeCache<T> {
  private last: Measured<T> | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly measure: () => Promise<T>,
    private readonly options: { ttlMs: number; waitMs: number; now?: () => number; onError?: (err: unknown) => void },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The last measurement, without measuring. */
  peek(): Measured<T> | null {
    return this.last;
  }

  async read(waitMs = this.options.waitMs): Promise<CachedRead<T>> {
    if (this.last && this.now() - Date.parse(this.last.at) < this.options.ttlMs) return { last: this.last, pending: false };
    const running = this.refresh();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
    try {
      await Promise.race([running, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return { last: this.last, pending: this.running !== null };
  }

  private refresh(): Promise<void> {
    if (this.running) return this.running;
    const started = this.now();
    this.running = this.measure()
      .then((value) => {
        this.last = { value, at: new Date(started).toISOString() };
      })
      .catch((err: unknown) => this.options.onError?.(err))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
