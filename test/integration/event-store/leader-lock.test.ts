import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Client, Pool } from 'pg';
import { earliestServerRelease, LEADER_LOCK_TIMINGS, LeaderLock } from '@sacp/event-store';
import { createTestDatabase, testPool } from '../../support/postgres';
import { waitFor } from '../../support/ports';
import { distFile } from '../../support/repo-root';

const LOCK = 'leader-lock-test';

describe('leader lock: the holder gives up before anyone else can take over', () => {
  let url = '';
  let pool: Pool;
  let drop: () => Promise<void>;
  const locks: LeaderLock[] = [];
  beforeAll(async () => {
    const db = await createTestDatabase();
    url = db.url;
    drop = db.drop;
    pool = testPool(url);
  });
  afterAll(async () => {
    for (const l of locks) await l.stop();
    await pool.end();
    await drop();
  });

  const contender = (events: { elected: number[]; lost: string[] }) => {
    const l = new LeaderLock({ connection: { connectionString: url }, name: LOCK, onElected: () => events.elected.push(Date.now()), onLost: (r) => events.lost.push(r) });
    locks.push(l);
    return l;
  };

  test('the timings: the lease ends before Postgres could free the lock, and a healthy holder renews it in time', () => {
    const release = earliestServerRelease(LEADER_LOCK_TIMINGS);
    assert.ok(LEADER_LOCK_TIMINGS.leaseMs < release, `lease ${LEADER_LOCK_TIMINGS.leaseMs} ms < earliest release ${release} ms`);
    assert.ok(release - LEADER_LOCK_TIMINGS.leaseMs >= 1000, 'at least a second of margin');
    assert.ok(LEADER_LOCK_TIMINGS.retryMs + LEADER_LOCK_TIMINGS.checkTimeoutMs < LEADER_LOCK_TIMINGS.leaseMs, 'a check started on time finishes within the lease');
    assert.throws(() => new LeaderLock({ connection: {}, name: 'x', leaseMs: 7000, onElected: () => undefined, onLost: () => undefined }), /must end before Postgres/);
    assert.throws(() => new LeaderLock({ connection: {}, name: 'x', retryMs: 2000, onElected: () => undefined, onLost: () => undefined }), /cannot renew/);
  });

  test('the lock session carries the keepalive and timeout settings', async () => {
    const ev = { elected: [] as number[], lost: [] as string[] };
    const l = contender(ev);
    l.start();
    await waitFor('elected', async () => ev.elected.length > 0 || null, 5000, 50);
    const { rows } = await pool.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1 and datname = current_database()', [
      `sacp-leader-lock:${LOCK}`,
    ]);
    assert.equal(rows.length, 1);
    // another session's settings are not visible in SQL: open a lock connection the same way and read its own
    const probe = new LeaderLock({ connection: { connectionString: url }, name: `${LOCK}-probe`, onElected: () => undefined, onLost: () => undefined });
    const client = await (probe as unknown as { connect(): Promise<Client> }).connect();
    const settings = await client.query<{ name: string; setting: string }>(
      "select name, setting from pg_settings where name in ('idle_session_timeout', 'statement_timeout', 'idle_in_transaction_session_timeout', 'tcp_keepalives_idle', 'tcp_keepalives_interval', 'tcp_keepalives_count') order by name",
    );
    await client.end();
    assert.deepEqual(Object.fromEntries(settings.rows.map((r) => [r.name, r.setting])), {
      idle_in_transaction_session_timeout: String(LEADER_LOCK_TIMINGS.checkTimeoutMs),
      idle_session_timeout: String(LEADER_LOCK_TIMINGS.sessionIdleTimeoutMs),
      statement_timeout: String(LEADER_LOCK_TIMINGS.checkTimeoutMs),
      tcp_keepalives_count: String(LEADER_LOCK_TIMINGS.tcpKeepalivesCount),
      tcp_keepalives_idle: String(LEADER_LOCK_TIMINGS.tcpKeepalivesIdleS),
      tcp_keepalives_interval: String(LEADER_LOCK_TIMINGS.tcpKeepalivesIntervalS),
    });
    await l.stop();
  });

  test('a holder whose session an administrator ends steps down at once; a contender takes over within seconds', async () => {
    const a = { elected: [] as number[], lost: [] as string[] };
    const b = { elected: [] as number[], lost: [] as string[] };
    const la = contender(a);
    la.start();
    await waitFor('A elected', async () => a.elected.length > 0 || null, 5000, 50);
    const lb = contender(b);
    lb.start();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(b.elected.length, 0, 'one holder at a time');
    const { rows } = await pool.query<{ pid: number }>(
      "select l.pid from pg_locks l join pg_stat_activity s on s.pid = l.pid where l.locktype = 'advisory' and l.granted and s.datname = current_database()",
    );
    const cut = Date.now();
    await pool.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
    await waitFor('A to notice', async () => a.lost.length > 0 || null, 3000, 20);
    assert.ok(Date.now() - cut < 1500, 'at once');
    assert.equal(la.holdsLease, false);
    await waitFor('B to take over', async () => b.elected.length > 0 || null, 6000, 50);
    assert.ok(b.elected[0]! - cut < 4000, `B took over within seconds (${b.elected[0]! - cut} ms)`);
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(a.elected.length, 1, 'A does not take it back while B holds it');
    await la.stop();
    await lb.stop();
  });

  test('a frozen holder (SIGSTOP) stops acting before a contender is elected, and does nothing when it resumes', async () => {
    // the holder runs in its own process, acting ("work") every 50 ms while it holds the lease
    const script = `
      const { LeaderLock } = require(${JSON.stringify(distFile('libs/event-store/src/leader-lock.js'))});
      const l = new LeaderLock({ connection: { connectionString: process.env.URL }, name: process.env.LOCK,
        onElected: () => console.log('elected ' + Date.now()), onLost: (r) => console.log('lost ' + Date.now() + ' ' + r) });
      l.start();
      setInterval(() => { if (l.holdsLease) console.log('work ' + Date.now()); }, 50);
    `;
    const child = spawn(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '', URL: url, LOCK }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor('the child to be elected', async () => /elected/.test(out) || null, 10_000, 50);
      await waitFor('the child to work', async () => /work/.test(out) || null, 5000, 50);
      const b = { elected: [] as number[], lost: [] as string[] };
      const lb = contender(b);
      lb.start();
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(b.elected.length, 0, 'the running holder keeps the lock');

      const frozenAt = Date.now();
      child.kill('SIGSTOP');
      await waitFor('the contender to be elected', async () => b.elected.length > 0 || null, 20_000, 50);
      const electedAt = b.elected[0]!;
      assert.ok(electedAt - frozenAt < 12_000, `taken over within seconds (${electedAt - frozenAt} ms)`);
      assert.ok(electedAt - frozenAt >= LEADER_LOCK_TIMINGS.leaseMs, "not before the frozen holder's lease ran out");

      const resumedAt = Date.now();
      child.kill('SIGCONT');
      await waitFor('the child to notice', async () => /lost/.test(out) || null, 5000, 50);
      await new Promise((r) => setTimeout(r, 500));
      const work = out
        .split('\n')
        .filter((l) => l.startsWith('work '))
        .map((l) => Number(l.slice(5)));
      assert.ok(work.length > 0);
      assert.ok(
        work.every((t) => t < electedAt),
        `the holder acted only before the contender was elected (last work ${Math.max(...work) - electedAt} ms after election)`,
      );
      assert.ok(
        work.every((t) => t < resumedAt),
        'no work after resuming',
      );
      assert.match(out, /lost \d+ (lease expired|lock connection|lock check failed)/);
      assert.equal(lb.holdsLease, true, 'the contender holds it');
      await lb.stop();
    } finally {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
  });
});
