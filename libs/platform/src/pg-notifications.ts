import { Client } from 'pg';
import type { JsonLogger } from './logger';

/**
 * LISTENs on a channel and reconnects when Postgres goes away. Notifications are
 * hints that something changed; every consumer also polls, so none is lost for good.
 */
export class PgNotifications {
  private client: Client | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly onNotify: (payload: string) => void,
    private readonly log: JsonLogger,
  ) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const c = new Client({ connectionString: this.url });
    const retry = () => {
      if (this.client === c) this.client = null;
      c.end().catch(() => undefined);
      if (!this.stopped && !this.timer) this.timer = setTimeout(() => ((this.timer = null), void this.connect()), 1000);
    };
    c.on('error', (err) => {
      this.log.warn('notification connection failed', { channel: this.channel, error: err.message });
      retry();
    });
    c.on('end', retry);
    c.on('notification', (n) => this.onNotify(n.payload ?? ''));
    try {
      await c.connect();
      await c.query(`listen ${this.channel}`);
      this.client = c;
      // anything may have happened while we were away
      this.onNotify('');
    } catch {
      retry();
    }
  }
}
