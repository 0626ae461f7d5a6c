import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LiveLogLine, StoredLogLine } from '@sacp/events';
import { TestApi } from '../../support/api';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';
import { ServiceProcess } from '../../support/service-process';
import { LINE_OVERHEAD_BYTES } from '../../../apps/monitor/src/logs/retention';
import { sacp, spawnSacp } from '../cli/sacp';

const run = promisify(execFile);
const simCtl = (containerId: string, ...args: string[]) => run('docker', ['exec', containerId, 'sim-ctl', ...args]);

/** `docker logs` of a container, stdout and stderr: the lines Docker holds, as an operator counts them. */
async function dockerLines(containerId: string): Promise<string[]> {
  const { stdout, stderr } = await run('docker', ['logs', containerId], { maxBuffer: 1024 * 1024 * 1024 });
  return [...stdout.split('\n').slice(0, -1), ...stderr.split('\n').slice(0, -1)];
}

/** A template of its own: the sim agent writing a heartbeat line every 20 ms (50 lines a second). */
function configDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sacp-logs-'));
  mkdirSync(join(dir, 'agents'));
  writeFileSync(
    join(dir, 'agents', 'logger.json'),
    JSON.stringify({
      name: 'logger',
      description: 'the sim agent logging 50 lines a second',
      image: 'sacp/sim-agent:latest',
      env: { SIM_HEARTBEAT_MS: '20' },
      resources: { memory: '64m', cpus: 0.25, pids: 64 },
      security: { user: '1000' },
      stopTimeoutSeconds: 2,
    }),
  );
  return dir;
}

describe('log aggregation (real monitor, orchestrator, Postgres and sim agents)', () => {
  const dir = configDir();
  const cp = new TestControlPlane({ monitors: 1, configDir: dir, env: { MONITOR_LOG_DISCOVER_MS: '500', MONITOR_LOG_PRUNE_INTERVAL_MS: '1000' } });
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => {
    await cp.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = async (containerId: string) =>
    (await cp.pool.query<{ line: string }>('select line from agent_log_lines where container_id = $1', [containerId])).rows.map((r) => r.line);
  const search = async (body: Record<string, unknown>) => {
    const r = await cp.query<StoredLogLine[]>('logs.search', body);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r;
  };

  test('a collector killed (SIGKILL) mid-stream and started again loses no line and stores none twice: every container matches `docker logs`', async () => {
    const ids = await Promise.all(['log-a', 'log-b', 'log-c'].map((n) => cp.deploy('logger', n)));
    const views = await Promise.all(ids.map((id) => cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running')));
    const containers = views.map((v) => v.containerId!);
    // live: the lines come on the agent's subject as they are stored, and the CLI's credential may read them
    const live: LiveLogLine[] = [];
    const sub = cp.nc.subscribe(`sacp.agentlogs.${ids[0]}`, { callback: (_e, m) => void live.push(m.json<LiveLogLine>()) });
    await waitFor('lines to be collected', async () => (await stored(containers[0]!)).length > 50, 20_000);
    await waitFor('live lines', async () => live.length > 10, 10_000);
    sub.unsubscribe();
    assert.equal(live[0]!.agentId, ids[0]);
    assert.equal(live[0]!.agentName, 'log-a');
    assert.match(live[0]!.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    // bursts on top of the heartbeats, and the collector killed in the middle of them
    for (const c of containers) await simCtl(c, 'print', '20000', '120');
    await new Promise((r) => setTimeout(r, 700));
    await cp.monitors[0]!.kill('SIGKILL');
    const before = await Promise.all(containers.map(stored));
    const atKill = await Promise.all(containers.map(dockerLines));
    for (const c of containers) await simCtl(c, 'print', '5000', '80'); // written while no collector runs
    await new Promise((r) => setTimeout(r, 2000));
    await cp.addMonitor();
    // stop the agents so that their logs are final, then compare
    for (const n of ['log-a', 'log-b', 'log-c']) assert.ok((await cp.command('agent.stop', { agent: n })).ok);
    for (const id of ids) await cp.waitForAgent(id, (a) => a.state.observed === 'stopped' || a.state.observed === 'exited', 'stopped');
    for (const [i, c] of containers.entries()) {
      const docker = await dockerLines(c);
      assert.ok(docker.length > 25_000 + 50, `container ${i}: ${docker.length} lines in docker logs`);
      const lines = await waitFor(
        `container ${i} to be collected to its end`,
        async () => {
          const s = await stored(c);
          return s.length >= docker.length ? s : null;
        },
        90_000,
        500,
      );
      assert.equal(lines.length, docker.length, `container ${i}: as many lines stored as docker logs has`);
      assert.deepEqual(lines.sort(), docker.sort(), `container ${i}: the very same lines`);
    }
    assert.ok(
      containers.some((_c, i) => before[i]!.length < atKill[i]!.length),
      `the collector was killed with lines left to read: stored ${before.map((b) => b.length).join(', ')} of ${atKill.map((d) => d.length).join(', ')}`,
    );
  }, 300_000);

  test("a removed agent's lines are still searchable, by its name, by words and in pages (bus, CLI)", async () => {
    const [gone] = await cp.status('log-b');
    const r = await cp.command('agent.remove', { agent: 'log-b' });
    assert.ok(r.ok, JSON.stringify(r));
    await waitFor('the container to be gone', async () => (await cp.docker.inspect(gone!.containerId!)) === null, 30_000);

    const page = await search({ agent: 'log-b', text: 'line', limit: 5 });
    assert.equal(page.result.length, 5);
    assert.ok(page.result.every((l) => l.agentId === gone!.id && l.agentName === 'log-b' && /^line \d+\/(20000|5000) x+$/.test(l.line)));
    assert.ok(page.nextCursor, 'more than one page');
    const next = await search({ agent: 'log-b', text: 'line', limit: 5, cursor: page.nextCursor });
    assert.ok(next.result[0]!.at <= page.result[4]!.at, 'newest first, page after page');
    const exact = await search({ agent: 'log-b', text: '"line 19999/20000"', limit: 10 });
    assert.deepEqual(
      exact.result.map((l) => l.line.split(' ').slice(0, 2).join(' ')),
      ['line 19999/20000'],
    );

    const cli = await sacp(['logs', 'search', '"line 4999/5000"', '--agent', 'log-b', '--json'], { env: cp.cliEnv });
    assert.equal(cli.code, 0, cli.stderr);
    const printed = cli.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as StoredLogLine);
    assert.equal(printed.length, 1);
    assert.equal(printed[0]!.containerId, gone!.containerId);

    // the API, for any signed-in role
    const api = new TestApi(cp);
    await api.start();
    try {
      const { token } = await api.createToken('log-reader', 'viewer');
      const r = await api.request<{ items: StoredLogLine[]; nextCursor?: string }>('GET', '/api/v1/logs?agent=log-b&q=%22line%2019999%2F20000%22&limit=3', { token });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(
        r.body.items.map((l) => [l.agentName, l.line.slice(0, 16)]),
        [['log-b', 'line 19999/20000']],
      );
      const bad = await api.request('GET', '/api/v1/logs?from=yesterday', { token });
      assert.equal(bad.status, 400);
    } finally {
      await api.stop();
    }
  }, 120_000);

  test('retention holds: the monitor keeps at most SACP_LOG_RETENTION_MB (estimated) and nothing older than SACP_LOG_RETENTION_DAYS', async () => {
    for (const m of cp.monitors) await m.kill('SIGTERM');
    cp.monitors.length = 0;
    // 0.5 MB, and 15 s (0.000174 days)
    const m = new ServiceProcess('monitor', { ...cp.serviceEnv('monitor'), SACP_LOG_RETENTION_MB: '0.5', SACP_LOG_RETENTION_DAYS: '0.000174' }, 'MONITOR_HTTP_PORT');
    await m.start();
    cp.monitors.push(m);
    assert.ok((await cp.command('agent.start', { agent: 'log-a' })).ok);
    const size = async () =>
      (
        await cp.pool.query<{ bytes: string; lines: number; oldest: Date | null }>(
          `select coalesce(sum(octet_length(line) + ${LINE_OVERHEAD_BYTES}), 0) as bytes, count(*)::int as lines, min(ts) as oldest from agent_log_lines`,
        )
      ).rows[0]!;
    // between two prunes (every second) the agent adds up to 50 lines a second: allow two seconds of them
    const slack = 50 * 2 * (200 + LINE_OVERHEAD_BYTES);
    await waitFor('the prune to bring the logs within 0.5 MB', async () => Number((await size()).bytes) <= 512 * 1024 + slack, 60_000, 500);
    // the agent keeps writing 50 lines a second; several prunes later the limits still hold, and its newest lines are kept
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 2000));
      const s = await size();
      assert.ok(Number(s.bytes) <= 512 * 1024 + slack, `size ${s.bytes} (a prune every second, 50 lines a second in between)`);
      assert.ok(s.oldest === null || Date.now() - s.oldest.getTime() < 15_000 + 3000, `oldest line ${s.oldest?.toISOString()}`);
    }
    // the CLI tails the lines as they are stored
    const tail = spawnSacp(['logs', 'tail', '--agent', 'log-a', '--json'], { env: cp.cliEnv });
    tail.stdin!.end();
    await waitFor('tailed lines', async () => tail.out.join('').split('\n').length > 5, 15_000);
    const exited = new Promise<number | null>((r) => tail.once('exit', (code) => r(code)));
    tail.kill('SIGINT');
    assert.equal(await exited, 0, tail.err.join(''));
    assert.equal((JSON.parse(tail.out.join('').split('\n')[0]!) as LiveLogLine).agentName, 'log-a');
    const newest = await search({ agent: 'log-a', limit: 1 });
    assert.ok(Date.now() - Date.parse(newest.result[0]!.at) < 5000, 'the newest lines are there');
    const volume = (await cp.pool.query<{ lines: number }>('select coalesce(sum(lines), 0)::int as lines from agent_log_volume')).rows[0]!.lines;
    assert.ok(Math.abs(volume - (await size()).lines) < 200, 'the volume counts follow the prune');
  }, 180_000);
});
