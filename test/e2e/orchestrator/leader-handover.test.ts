import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { jetstreamManager } from '@nats-io/jetstream';
import { EVENT_STREAM } from '@sacp/events';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';
import type { ServiceProcess } from '../../support/service-process';

/**
 * Two orchestrator processes; the leader is frozen (SIGSTOP) or its lock session is
 * ended by an administrator. The other takes over within seconds, and the old leader,
 * once it runs again, notices it lost the lock before doing any work: no container is
 * made twice, and no event is published twice.
 */
describe('leader hand-over without double work (two real orchestrator processes)', () => {
  const cp = new TestControlPlane({ orchestrators: 2, env: { LOG_LEVEL: 'debug' } });
  const frozen = new Set<number>();
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => {
    for (const pid of frozen) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        /* already gone */
      }
    }
    await cp.stop();
  });

  const isLeader = async (o: ServiceProcess) => {
    // readiness also pings Docker and Postgres: on a starved machine it can take over a second, which is not "not leader"
    const res = await fetch(`http://127.0.0.1:${o.port}/health/ready`, { signal: AbortSignal.timeout(4000) }).catch(() => null);
    return res ? ((await res.json()) as { leader: boolean }).leader : null;
  };
  const leaderOf = async () =>
    waitFor(
      'one leader',
      async () => {
        for (const o of cp.orchestrators) if (await isLeader(o)) return o;
        return null;
      },
      20_000,
      100,
    );

  /** Log lines (parsed) a process wrote after `since` (ms). */
  const linesAfter = (o: ServiceProcess, since: number) =>
    o.logs
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as { ts: string; msg: string; reason?: string; count?: number; duplicates?: number };
        } catch {
          return null;
        }
      })
      .filter((l): l is NonNullable<typeof l> => l !== null && Date.parse(l.ts) >= since);

  /** The global positions of the events the stream holds. */
  const streamPositions = async () => {
    const jsm = await jetstreamManager(await cp.streamAdmin());
    const info = await jsm.streams.info(EVENT_STREAM);
    const positions = new Set<string>();
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(EVENT_STREAM, { seq });
      if (m) positions.add(String(m.json<{ globalPosition: string }>().globalPosition));
    }
    return positions;
  };

  /** Every agent has exactly one container and one container_created; every event is in the stream exactly once. */
  const assertNoDoubleWork = async (ids: string[]) => {
    for (const id of ids) await cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running', 60_000);
    const containers = await cp.containers();
    const perAgent = new Map<string, number>();
    for (const c of containers) perAgent.set(c.labels['sacp.agent.id']!, (perAgent.get(c.labels['sacp.agent.id']!) ?? 0) + 1);
    for (const id of ids) assert.equal(perAgent.get(id), 1, `agent ${id} has exactly one container`);
    const { rows: created } = await cp.pool.query("select stream_id from events where type = 'agent.container_created' group by stream_id having count(*) > 1");
    assert.deepEqual(created, [], 'no agent recorded two containers');

    const { rows } = await cp.pool.query<{ n: number }>('select count(*)::int as n from events');
    const jsm = await jetstreamManager(await cp.streamAdmin());
    const info = await waitFor(
      'the relay to publish every event',
      async () => {
        const i = await jsm.streams.info(EVENT_STREAM);
        return i.state.messages >= rows[0]!.n ? i : null;
      },
      20_000,
      200,
    );
    assert.equal(info.state.messages, rows[0]!.n, 'each event published exactly once');
    // and the stream holds each event id once (msg ids are event ids)
    const seen = new Set<string>();
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(EVENT_STREAM, { seq });
      const id = m!.json<{ eventId: string }>().eventId;
      assert.ok(!seen.has(id), `event ${id} is in the stream twice`);
      seen.add(id);
    }
  };

  test('a frozen leader (SIGSTOP) is replaced within seconds and, resumed, does nothing before stepping down', async () => {
    const before = await Promise.all(['f-1', 'f-2'].map((n) => cp.deploy('sim', n)));
    for (const id of before) await cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running');
    const old = await leaderOf();
    const other = cp.orchestrators.find((o) => o !== old)!;

    // freeze it right after it accepted a deploy: its container may be half made; commands are not sent while it
    // is frozen (NATS would still hand it a share of the queue group until its ping interval runs out)
    const during = await cp.deploy('sim', 'f-during');
    let streamBefore = new Set<string>();
    let resumedAt = Date.now();
    const frozenAt = Date.now();
    process.kill(old.pid!, 'SIGSTOP');
    frozen.add(old.pid!);
    try {
      await waitFor('the other replica to take over', async () => (await isLeader(other)) === true, 20_000, 100);
      const tookOver = Date.now() - frozenAt;
      assert.ok(tookOver < 12_000, `took over within seconds (${tookOver} ms)`);
      await waitFor(
        'the new leader to finish the deploy',
        async () => {
          const { rows } = await cp.pool.query("select 1 from events where stream_id = $1 and type = 'agent.container_started'", [`agent-${during}`]);
          return rows.length > 0 || null;
        },
        60_000,
        200,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n--- new leader ---\n${other.logs.slice(-5000)}`);
      });
      // what the stream held before the old leader woke up
      streamBefore = await streamPositions();
      // taken before the resume: the old leader's first line after it may come before this process runs again
      resumedAt = Date.now();
    } finally {
      process.kill(old.pid!, 'SIGCONT');
      frozen.delete(old.pid!);
    }
    await waitFor('the old leader to step down', async () => (await isLeader(old)) === false, 10_000, 100);
    const after = linesAfter(old, resumedAt);
    const lost = after.find((l) => l.msg === 'lost leadership');
    assert.ok(lost, `the old leader logs that it lost the lock:\n${old.logs.slice(-3000)}`);
    assert.match(lost.reason ?? '', /lease expired|lock connection|lock check failed/);
    // nothing a leader does, after it woke up. One exception, by nature: a Docker request the old leader had
    // already sent when it froze (here possibly the create of f-during's container) completes, and its answer
    // is logged on waking; the container then is the very one the new leader found by its name and recorded.
    const { rows: recorded } = await cp.pool.query<{ id: string }>("select data->>'containerId' as id from events where stream_id = $1 and type = 'agent.container_created'", [
      `agent-${during}`,
    ]);
    const recordedContainers = new Set(recorded.map((r) => r.id));
    const work = after.filter(
      (l) =>
        ['container started', 'container stopped', 'container removed', 'container quarantined', 'container restarted'].includes(l.msg) ||
        (l.msg === 'container created' && !recordedContainers.has((l as { containerId?: string }).containerId ?? '')) ||
        // a batch it published and had acknowledged before it froze is logged once it wakes; anything else is new work
        (l.msg === 'relayed events' &&
          (l.count ?? 0) > (l.duplicates ?? 0) &&
          !streamBefore.has((l as { checkpoint?: { globalPosition: string } }).checkpoint?.globalPosition ?? '')),
    );
    assert.deepEqual(
      work,
      [],
      `the resumed old leader neither reconciled nor relayed (resumed ${new Date(resumedAt).toISOString()}):\n${after
        .map((l) => JSON.stringify(l))
        .join('\n')
        .slice(-6000)}`,
    );
    assert.ok(!after.some((l) => l.msg === 'relay active' || l.msg === 'reconciler active'), 'it did not resume its roles');

    const afterwards = await cp.deploy('sim', 'f-after');
    await assertNoDoubleWork([...before, during, afterwards]);
    assert.deepEqual((await Promise.all(cp.orchestrators.map(isLeader))).sort(), [false, true], 'exactly one leader again');
  });

  test('a leader whose lock session is ended by an administrator steps down at once; the other takes over', async () => {
    const old = await leaderOf();
    const other = cp.orchestrators.find((o) => o !== old)!;
    const { rows } = await cp.pool.query<{ pid: number }>(
      `select l.pid from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and a.application_name like 'sacp-leader-lock:%' and a.datname = current_database()`,
    );
    assert.equal(rows.length, 1, 'one lock session holds the lock');
    const cutAt = Date.now();
    await cp.pool.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
    await waitFor('the other replica to take over', async () => (await isLeader(other)) === true, 15_000, 100).catch((err: Error) => {
      throw new Error(`${err.message}\n--- the other replica ---\n${other.logs.slice(-5000)}`);
    });
    assert.ok(Date.now() - cutAt < 8000, `took over within seconds (${Date.now() - cutAt} ms)`);
    const lost = linesAfter(old, cutAt).find((l) => l.msg === 'lost leadership');
    assert.ok(lost, 'the old leader noticed');
    assert.equal(await isLeader(old), false);

    const id = await cp.deploy('sim', 'cut-after');
    await assertNoDoubleWork([id]);
  });
});
