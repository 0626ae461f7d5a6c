/**
 * Log aggregation: ingestion against `docker logs -f`, and search latency over a
 * large table.
 *
 * 1. Ingestion. A whole control plane from the test harness (orchestrator, monitor
 *    from dist/, private database and nats-server) and BENCH_LOG_AGENTS agents (50) of
 *    the sim image writing a heartbeat line every BENCH_LOG_HEARTBEAT_MS (10: 100 lines
 *    a second each, 5,000 in all). After a warm-up, for BENCH_LOG_WINDOW_MS (30 s):
 *    - subject: the lines the monitor's collector stored whose Docker timestamp falls
 *      in the window (counted once it has caught up), per second; and the lag from a
 *      line's Docker timestamp to its arrival on `sacp.agentlogs.*` (published after
 *      the commit), p50 and p99;
 *    - baseline, in the same window and the same process: `docker logs -f` of the same
 *      containers (Docker's follow endpoint through dockerode, every container at once,
 *      lines counted and thrown away): what Docker itself delivers.
 *    Then a burst: each agent prints BENCH_LOG_BURST lines (2,000) as fast as it can
 *    (`sim-ctl print`), and the time until the collector has stored them all is set
 *    against the time `docker logs -f` took to deliver them.
 * 2. Search. BENCH_LOG_SEARCH_LINES synthetic lines (1,000,000 by default; the issue's
 *    figure is 10,000,000: set the knob, seeding takes about 10 minutes here) are
 *    seeded with generate_series into the same table, then each query runs
 *    BENCH_LOG_SEARCH_RUNS times (20) through the bus (`logs.search`, answered by the
 *    monitor), against the same SQL run directly, and for the text queries against a
 *    substring scan (`ilike`), the search without a full-text index.
 */
import { execFile } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { AgentLogRepository } from '@sacp/event-store';
import type { LiveLogLine, StoredLogLine } from '@sacp/events';
import { TestControlPlane } from '../test/support/control-plane';
import { testDataSource } from '../test/support/event-store';
import { type BenchResult, ms, onInterrupt, percentile, perSec, progressFor, ratio, runStandalone, sleep } from './report';

const AGENTS = Number(process.env.BENCH_LOG_AGENTS ?? 50);
const HEARTBEAT_MS = Number(process.env.BENCH_LOG_HEARTBEAT_MS ?? 10);
const WINDOW_MS = Number(process.env.BENCH_LOG_WINDOW_MS ?? 30_000);
const BURST = Number(process.env.BENCH_LOG_BURST ?? 2000);
const SEARCH_LINES = Number(process.env.BENCH_LOG_SEARCH_LINES ?? 1_000_000);
const SEARCH_RUNS = Number(process.env.BENCH_LOG_SEARCH_RUNS ?? 20);
const run$ = promisify(execFile);

function configDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sacp-bench-logs-'));
  mkdirSync(join(dir, 'agents'));
  const template = {
    name: 'flood',
    description: 'the sim agent heartbeating often',
    image: 'sacp/sim-agent:latest',
    env: { SIM_HEARTBEAT_MS: String(HEARTBEAT_MS) },
    resources: { memory: '64m', cpus: 0.5, pids: 64 },
    security: { user: '1000' },
    stopTimeoutSeconds: 2,
  };
  writeFileSync(join(dir, 'agents', 'flood.json'), JSON.stringify(template));
  return dir;
}

/** `docker logs -f` of every container, through dockerode: lines counted by their Docker time. */
function followRaw(cp: TestControlPlane, containers: string[], signal: AbortSignal) {
  const times: number[] = [];
  const done = containers.map(async (id) => {
    for await (const l of cp.docker.followLogs(id, { since: new Date(), signal })) times.push(l.ts ? Date.parse(l.ts) : Date.now());
  });
  return { times, done: Promise.allSettled(done) };
}

export async function run(): Promise<BenchResult> {
  const progress = progressFor('log-ingest');
  const dir = configDir();
  // retention wide enough for the seeded lines, and no prune during the measures
  const cp = new TestControlPlane({
    monitors: 1,
    configDir: dir,
    env: { MONITOR_LOG_DISCOVER_MS: '1000', SACP_RECONCILE_INTERVAL_MS: '5000', SACP_LOG_RETENTION_MB: '1000000', MONITOR_LOG_PRUNE_INTERVAL_MS: '3600000' },
  });
  const unhook = onInterrupt(() => cp.stop());
  try {
    await cp.start();
    progress(`deploying ${AGENTS} agents writing a line every ${HEARTBEAT_MS} ms`);
    const ids: string[] = [];
    for (let i = 0; i < AGENTS; i += 8) ids.push(...(await Promise.all(Array.from({ length: Math.min(8, AGENTS - i) }, (_, k) => cp.deploy('flood', `flood-${i + k}`)))));
    const containers = (await Promise.all(ids.map((id) => cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running', 120_000)))).map((v) => v.containerId!);
    await sleep(5000);

    // 1. sustained ingestion
    const abort = new AbortController();
    setMaxListeners(AGENTS * 2 + 10, abort.signal);
    const raw = followRaw(cp, containers, abort.signal);
    const lags: number[] = [];
    const sub = cp.nc.subscribe('sacp.agentlogs.>', { callback: (_e, m) => void lags.push(Date.now() - Date.parse(m.json<LiveLogLine>().at)) });
    await sleep(3000);
    const from = new Date();
    progress(`measuring for ${WINDOW_MS / 1000} s`);
    lags.length = 0;
    await sleep(WINDOW_MS);
    const to = new Date();
    const windowLags = [...lags];
    await sleep(3000);
    const rawCount = raw.times.filter((t) => t >= from.getTime() && t < to.getTime()).length;
    const count = async (a: Date, b: Date) => (await cp.pool.query<{ n: number }>('select count(*)::int as n from agent_log_lines where ts >= $1 and ts < $2', [a, b])).rows[0]!.n;
    const storedCount = await count(from, to);
    const seconds = (to.getTime() - from.getTime()) / 1000;

    // burst: every agent prints BURST lines at once
    progress(`burst: ${AGENTS} × ${BURST} lines`);
    const before = { raw: raw.times.length, stored: (await cp.pool.query<{ n: number }>('select count(*)::int as n from agent_log_lines')).rows[0]!.n };
    const t0 = performance.now();
    const printed = await Promise.allSettled(containers.map((c) => run$('docker', ['exec', c, 'sim-ctl', 'print', String(BURST), '100'])));
    const failed = printed.flatMap((p, i) => (p.status === 'rejected' ? [containers[i]!] : []));
    for (const c of failed)
      progress(`container ${c.slice(0, 12)} did not print: ${JSON.stringify((await cp.docker.inspect(c))?.state)} exit ${(await cp.docker.inspect(c))?.exitCode}`);
    let rawDone = 0;
    let storedDone = 0;
    const expected = (AGENTS - failed.length) * BURST;
    while (!rawDone || !storedDone) {
      if (performance.now() - t0 > 300_000) throw new Error('the burst was not ingested within 5 minutes');
      if (!rawDone && raw.times.length - before.raw >= expected) rawDone = performance.now() - t0;
      const stored = (await cp.pool.query<{ n: number }>('select count(*)::int as n from agent_log_lines')).rows[0]!.n;
      if (!storedDone && stored - before.stored >= expected) storedDone = performance.now() - t0;
      await sleep(100);
    }
    abort.abort();
    sub.unsubscribe();
    await raw.done;

    // 2. search over a large table
    progress(`seeding ${SEARCH_LINES.toLocaleString('en-US')} lines`);
    await cp.pool.query('set statement_timeout = 0');
    const seedStart = performance.now();
    // one line a millisecond, ending an hour ago: within retention
    const seedBase = new Date(Date.now() - SEARCH_LINES - 3_600_000);
    for (let start = 1; start <= SEARCH_LINES; start += 1_000_000) {
      const end = Math.min(SEARCH_LINES, start + 999_999);
      await cp.pool.query(
        `insert into agent_log_lines (ts, container_id, stream, seq, agent_id, agent_name, team, line)
         select $3::timestamptz + g * interval '1 millisecond', 'seed-container-' || (g % 50), case when g % 10 = 0 then 'stderr' else 'stdout' end, 0,
                format('00000000-0000-4000-8000-%s', lpad((g % 50)::text, 12, '0')), 'seed-' || (g % 50), null,
                'level=' || (array['info','warn','error','debug'])[1 + g % 4] || ' msg="request ' || g || ' handled" worker=' || (g % 16)
                  || ' code=' || (array['ok','timeout','refused','reset'])[1 + (g / 7) % 4] || ' took=' || (g % 997) || 'ms'
           from generate_series($1::bigint, $2::bigint) g`,
        [start, end, seedBase],
      );
      progress(`seeded ${end.toLocaleString('en-US')}`);
    }
    await cp.pool.query('vacuum analyze agent_log_lines');
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const agent = '00000000-0000-4000-8000-000000000007';
    const mid = new Date(seedBase.getTime() + SEARCH_LINES / 2).toISOString();
    const midEnd = new Date(Date.parse(mid) + 3_600_000).toISOString();
    const rare = `"request ${Math.floor(SEARCH_LINES / 3)} handled"`;
    const queries: { name: string; body: Record<string, unknown>; like?: string }[] = [
      { name: 'newest 100, no filter', body: { limit: 100 } },
      { name: 'one agent, newest 100', body: { agent, limit: 100 } },
      { name: 'one agent, one hour', body: { agent, from: mid, to: midEnd, limit: 100 } },
      { name: 'a phrase in one line of all', body: { text: rare, limit: 100 }, like: `request ${Math.floor(SEARCH_LINES / 3)} handled` },
      { name: 'a word in 1/4 of the lines', body: { text: 'timeout', limit: 100 }, like: 'timeout' },
      { name: 'a word, one agent', body: { agent, text: 'refused', limit: 100 }, like: 'refused' },
      // worker=3 is on odd lines, error on lines 2 mod 4: each word is common, together they never are (the planner's trap)
      { name: 'two common words, never on one line', body: { text: 'worker=3 error', limit: 100 } },
    ];
    const ds = await testDataSource(cp.databaseUrl);
    const repo = new AgentLogRepository(ds);
    const rows: (string | number)[][] = [];
    const summary: Record<string, unknown> = {};
    for (const q of queries) {
      const bus: number[] = [];
      const direct: number[] = [];
      const like: number[] = [];
      let found = 0;
      for (let i = 0; i < SEARCH_RUNS; i++) {
        let t = performance.now();
        const r = await cp.query<StoredLogLine[]>('logs.search', q.body);
        if (!r.ok) throw new Error(`${q.name}: ${r.error.code} ${r.error.message}`);
        bus.push(performance.now() - t);
        found = r.result.length;
        const b = q.body as { agent?: string; from?: string; to?: string; text?: string; limit: number };
        t = performance.now();
        await repo.search({
          ...(b.agent ? { agentIds: [b.agent] } : {}),
          ...(b.from ? { from: b.from } : {}),
          ...(b.to ? { to: b.to } : {}),
          ...(b.text ? { text: b.text } : {}),
          limit: b.limit + 1,
        });
        direct.push(performance.now() - t);
        if (q.like && i < 3) {
          t = performance.now();
          await ds.query(
            `select ts, line from agent_log_lines where line ilike $1 ${b.agent ? 'and agent_id = $3' : ''} order by ts desc limit $2`,
            b.agent ? [`%${q.like}%`, b.limit + 1, b.agent] : [`%${q.like}%`, b.limit + 1],
          );
          like.push(performance.now() - t);
        }
      }
      const p = (v: number[], n: number) => (v.length ? ms(percentile(v, n)) : '-');
      rows.push([q.name, found, p(bus, 50), p(bus, 99), p(direct, 50), like.length ? p(like, 50) : '-']);
      summary[q.name] = { found, busP50: percentile(bus, 50), busP99: percentile(bus, 99), sqlP50: percentile(direct, 50), ilikeP50: like.length ? percentile(like, 50) : null };
    }
    await ds.destroy();

    const rate = storedCount / seconds;
    const rawRate = rawCount / seconds;
    return {
      name: 'log-ingest',
      tables: [
        {
          title: `Log ingestion: ${AGENTS} agents × ${Math.round(1000 / HEARTBEAT_MS)} lines/s, ${seconds.toFixed(0)} s window`,
          headers: ['measure', 'collector (stored)', 'docker logs -f', 'ratio'],
          rows: [
            ['lines/s sustained', perSec(rate), perSec(rawRate), ratio(rate, rawRate)],
            ['lag Docker time → live subject, p50', ms(percentile(windowLags, 50)), '-', '-'],
            ['lag Docker time → live subject, p99', ms(percentile(windowLags, 99)), '-', '-'],
            [`burst of ${expected.toLocaleString('en-US')} lines: all delivered`, ms(storedDone), ms(rawDone), ratio(storedDone, rawDone)],
          ],
          notes: [
            'stored: lines in agent_log_lines whose Docker timestamp is in the window; docker logs -f: the same containers followed through dockerode in this process, concurrently',
          ],
        },
        {
          title: `Log search over ${(SEARCH_LINES + storedCount).toLocaleString('en-US')}+ lines (${SEARCH_RUNS} runs each; seeded in ${seedSeconds.toFixed(0)} s)`,
          headers: ['query', 'lines found', 'logs.search p50', 'p99', 'same SQL direct p50', 'ilike scan p50'],
          rows,
          notes: [
            'logs.search: request/reply over NATS, answered by the monitor (keyset page, full-text GIN index); ilike: the same filter as a substring scan, what a search without the index costs',
          ],
        },
      ],
      summary: {
        agents: AGENTS,
        linesPerSecond: rate,
        dockerLogsPerSecond: rawRate,
        lagP50: percentile(windowLags, 50),
        lagP99: percentile(windowLags, 99),
        burstMs: storedDone,
        burstRawMs: rawDone,
        searchLines: SEARCH_LINES,
        search: summary,
      },
      headline: [
        {
          measure: `log ingestion, ${AGENTS} agents × ${Math.round(1000 / HEARTBEAT_MS)} lines/s`,
          subject: perSec(rate),
          baseline: `docker logs -f: ${perSec(rawRate)}`,
          ratio: ratio(rate, rawRate),
        },
        {
          measure: `log search, a phrase in one line of ${SEARCH_LINES.toLocaleString('en-US')}, p50`,
          subject: ms((summary['a phrase in one line of all'] as { busP50: number }).busP50),
          baseline: `ilike scan: ${ms((summary['a phrase in one line of all'] as { ilikeP50: number }).ilikeP50)}`,
          ratio: ratio((summary['a phrase in one line of all'] as { busP50: number }).busP50, (summary['a phrase in one line of all'] as { ilikeP50: number }).ilikeP50),
        },
      ],
    };
  } finally {
    progress('cleaning up');
    for (const s of [...cp.monitors, ...cp.orchestrators]) await s.kill('SIGTERM').catch(() => undefined);
    await cp.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    unhook();
  }
}

if (require.main === module) runStandalone(run);
