import { Client, type ClientConfig } from 'pg';

export interface LeaderLockOptions {
  connection: ClientConfig;
  /** lock name; replicas competing for the same role use the same name */
  name: string;
  retryMs?: number;
  onElected: () => void;
  onLost: (reason: string) => void;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

/**
 * One active holder of a role (relay, reconciler) among replicas: a session-level
 * Postgres advisory lock on a dedicated connection. If the connection dies the lock
 * is released by Postgres and another replica takes over.
 */
export class LeaderLock {
  private client: Client | null = null;
  private leader = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: LeaderLockOptions) {}

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    this.stopped = false;
    void this.attempt();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const c = this.client;
    this.client = null;
    if (this.leader) {
      this.leader = false;
      this.o.onLost('stopping');
    }
    await c?.end().catch(() => undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.attempt(), this.o.retryMs ?? 1000);
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.client) {
        const c = new Client(this.o.connection);
        c.on('error', (err) => this.lose(`lock connection failed: ${err.message}`));
        c.on('end', () => this.lose('lock connection ended'));
        await c.connect();
        this.client = c;
      }
      if (!this.leader) {
        const { rows } = await this.client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [this.o.name]);
        if (rows[0]?.ok) {
          this.leader = true;
          this.o.log?.('elected leader', { role: this.o.name });
          this.o.onElected();
        }
      } else {
        await this.client.query('select 1');
      }
    } catch (err) {
      this.lose(`lock check failed: ${(err as Error).message}`);
    }
    this.schedule();
  }

  private lose(reason: string): void {
    const c = this.client;
    this.client = null;
    c?.end().catch(() => undefined);
    if (this.leader) {
      this.leader = false;
      this.o.log?.('lost leadership', { role: this.o.name, reason });
      this.o.onLost(reason);
    }
  }
}
