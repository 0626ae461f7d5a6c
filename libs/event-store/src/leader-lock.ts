import { performance } from 'node:perf_hooks';
import { Client, type ClientConfig } from 'pg';

export interface LeaderLockOptions {
  connection: ClientConfig;
  /** lock name; replicas competing for the same role use the same name */
  name: string;
  /** how often the holder checks its lock session, and how often others try to take it */
  retryMs?: number;
  /** the holder acts only within this long after sending its last successful check */
  leaseMs?: number;
  /** a check (or the attempt to take the lock) that takes longer fails, and the holder gives up */
  checkTimeoutMs?: number;
  /** Postgres ends the lock session after this long without a query (idle_session_timeout), which frees the lock */
  sessionIdleTimeoutMs?: number;
  onElected: () => void;
  onLost: (reason: string) => void;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

/**
 * The timings, and why the holder always stops first.
 *
 * Postgres frees a session-level advisory lock only when the session ends. Short of
 * an administrator ending it (then the socket closes and the holder hears at once,
 * unless it is frozen; see below), the lock session ends for one of two reasons,
 * both counted by the server from the last thing it received from the holder, which
 * is never earlier than the moment the holder sent its last check:
 *  - `idle_session_timeout` (SESSION_IDLE, 8 s): no query for that long;
 *  - TCP keepalives (`tcp_keepalives_idle` 3 s + `count` 3 × `interval` 1 s = 6 s):
 *    the peer's host stopped answering (a dead machine or a cut network).
 * So no other replica can hold the lock earlier than 6 s after the holder's last
 * successful check was sent. The holder counts its lease (LEASE, 4.5 s) from that
 * same send, on its monotonic clock: `holdsLease` turns false at least 1.5 s before
 * Postgres could hand the lock to anyone. The reconciler and the relay ask
 * `holdsLease` before every Docker operation, append and publish, so a holder
 * that was frozen (SIGSTOP, a stalled VM) and wakes up does nothing: its lease has
 * run out on the monotonic clock even before any of its timers has fired.
 *
 * Checks run every RETRY (1 s) and time out after CHECK_TIMEOUT (2.5 s, also the
 * session's `statement_timeout`), so a healthy holder renews its lease within LEASE
 * even on a loaded machine; a check that fails or times out ends the session and the
 * leadership. A frozen holder is replaced after about SESSION_IDLE (its kernel still
 * answers keepalives, so only the idle timeout ends its session).
 * The client side keeps TCP keepalives too, so a dead server is noticed as well.
 */
export const LEADER_LOCK_TIMINGS = {
  retryMs: 1000,
  leaseMs: 4500,
  checkTimeoutMs: 2500,
  sessionIdleTimeoutMs: 8000,
  tcpKeepalivesIdleS: 3,
  tcpKeepalivesIntervalS: 1,
  tcpKeepalivesCount: 3,
} as const;

/** The earliest, after the holder's last check was sent, that Postgres could free the lock without an administrator. */
export function earliestServerRelease(t: { sessionIdleTimeoutMs: number; tcpKeepalivesIdleS: number; tcpKeepalivesIntervalS: number; tcpKeepalivesCount: number }): number {
  return Math.min(t.sessionIdleTimeoutMs, (t.tcpKeepalivesIdleS + t.tcpKeepalivesIntervalS * t.tcpKeepalivesCount) * 1000);
}

/**
 * One active holder of a role (relay, reconciler) among replicas: a session-level
 * Postgres advisory lock on a dedicated connection, with a lease the holder checks
 * before acting (see LEADER_LOCK_TIMINGS for why it always expires first).
 */
export class LeaderLock {
  private client: Client | null = null;
  private leader = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  /** monotonic time the last successful check was sent */
  private confirmedAt = 0;
  /** after losing the lock, this replica waits a lease before trying again, so another takes over */
  private retryAfter = 0;
  private readonly t: Required<Pick<LeaderLockOptions, 'retryMs' | 'leaseMs' | 'checkTimeoutMs' | 'sessionIdleTimeoutMs'>>;

  constructor(private readonly o: LeaderLockOptions) {
    this.t = {
      retryMs: o.retryMs ?? LEADER_LOCK_TIMINGS.retryMs,
      leaseMs: o.leaseMs ?? LEADER_LOCK_TIMINGS.leaseMs,
      checkTimeoutMs: o.checkTimeoutMs ?? LEADER_LOCK_TIMINGS.checkTimeoutMs,
      sessionIdleTimeoutMs: o.sessionIdleTimeoutMs ?? LEADER_LOCK_TIMINGS.sessionIdleTimeoutMs,
    };
    const release = earliestServerRelease({ ...LEADER_LOCK_TIMINGS, sessionIdleTimeoutMs: this.t.sessionIdleTimeoutMs });
    if (this.t.leaseMs >= release) throw new Error(`leader lock lease (${this.t.leaseMs} ms) must end before Postgres can free the lock (${release} ms)`);
    if (this.t.retryMs + this.t.checkTimeoutMs >= this.t.leaseMs)
      throw new Error(`leader lock checks (every ${this.t.retryMs} ms, timeout ${this.t.checkTimeoutMs} ms) cannot renew a ${this.t.leaseMs} ms lease`);
  }

  /** Elected (the lock was taken); says nothing about now. Use `holdsLease` before acting. */
  get isLeader(): boolean {
    return this.leader;
  }

  /** Elected and the lease still runs: safe to act as the leader right now. */
  get holdsLease(): boolean {
    return this.leader && performance.now() - this.confirmedAt < this.t.leaseMs;
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
    this.timer = setTimeout(() => void this.attempt(), this.t.retryMs);
  }

  private async connect(): Promise<Client> {
    const c = new Client({
      ...this.o.connection,
      keepAlive: true,
      keepAliveInitialDelayMillis: LEADER_LOCK_TIMINGS.tcpKeepalivesIdleS * 1000,
      query_timeout: this.t.checkTimeoutMs,
      connectionTimeoutMillis: Math.max(this.t.checkTimeoutMs, 2000),
      application_name: `sacp-leader-lock:${this.o.name}`.slice(0, 63),
    });
    c.on('error', (err) => this.lose(c, `lock connection failed: ${err.message}`));
    c.on('end', () => this.lose(c, 'lock connection ended'));
    await c.connect();
    // all are settable by an ordinary role; session-level, so only this connection is affected
    await c.query(
      `select set_config('statement_timeout', $1, false), set_config('idle_in_transaction_session_timeout', $1, false),
              set_config('idle_session_timeout', $2, false), set_config('tcp_keepalives_idle', $3, false),
              set_config('tcp_keepalives_interval', $4, false), set_config('tcp_keepalives_count', $5, false)`,
      [
        String(this.t.checkTimeoutMs),
        String(this.t.sessionIdleTimeoutMs),
        String(LEADER_LOCK_TIMINGS.tcpKeepalivesIdleS),
        String(LEADER_LOCK_TIMINGS.tcpKeepalivesIntervalS),
        String(LEADER_LOCK_TIMINGS.tcpKeepalivesCount),
      ],
    );
    return c;
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    // a holder that wakes up (after a freeze) past its lease gives up before anything else
    if (this.leader && !this.holdsLease) this.lose(this.client, 'lease expired: the lock session was not confirmed in time');
    let c = this.client;
    try {
      if (!c) {
        c = await this.connect();
        if (this.stopped) return void (await c.end().catch(() => undefined));
        this.client = c;
      }
      const sent = performance.now();
      if (!this.leader) {
        if (performance.now() < this.retryAfter) return;
        const { rows } = await c.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [this.o.name]);
        if (rows[0]?.ok && this.client === c && !this.stopped) {
          this.confirmedAt = sent;
          this.leader = true;
          this.o.log?.('elected leader', { role: this.o.name });
          this.o.onElected();
        }
      } else {
        // a session-level lock is ours while the session lives: a check that returns proves it still does
        await c.query('select 1');
        if (this.client !== c) return;
        this.confirmedAt = sent;
      }
    } catch (err) {
      this.lose(c, `lock check failed: ${(err as Error).message}`);
    } finally {
      this.schedule();
    }
  }

  private lose(c: Client | null, reason: string): void {
    if (c && this.client && c !== this.client) return; // a stale connection's late event
    this.client = null;
    c?.end().catch(() => undefined);
    if (this.leader) {
      this.leader = false;
      this.retryAfter = performance.now() + this.t.leaseMs;
      this.o.log?.('lost leadership', { role: this.o.name, reason });
      this.o.onLost(reason);
    }
  }
}
