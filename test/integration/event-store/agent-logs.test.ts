import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Pool } from 'pg';
import { AgentLogRepository, type AgentLogRow } from '@sacp/event-store';
import { JsonLogger } from '@sacp/platform';
import type { FleetView } from '../../../apps/monitor/src/fleet/fleet-view';
import type { MonitorLeader } from '../../../apps/monitor/src/monitor-leader';
import type { MonitorSettings } from '../../../apps/monitor/src/monitor.settings';
import { LogRetention } from '../../../apps/monitor/src/logs/log-retention.service';
import { LogSearchHandler } from '../../../apps/monitor/src/logs/log-search.handler';
import { LINE_OVERHEAD_BYTES } from '../../../apps/monitor/src/logs/retention';
import { TeamRetentions } from '../../../apps/monitor/src/logs/team-retention';
import { testEventStore } from '../../support/event-store';

const A = '0b1c5e9e-3f6a-4f7e-9d2a-000000000001';
const B = '0b1c5e9e-3f6a-4f7e-9d2a-000000000002';
const C1 = 'a'.repeat(64);
const C2 = 'b'.repeat(64);
const C3 = 'c'.repeat(64);

/** A line `s` seconds after `base`, microsecond precise. */
const at = (base: number, s: number) => `${new Date(base + Math.floor(s * 1000)).toISOString().slice(0, 23)}${String(Math.round((s * 1e6) % 1000)).padStart(3, '0')}Z`;
/** The retention's team settings are fed their events by hand here (the fleet view reads them from JetStream in the service). */
const noFleet = { onChange: () => undefined } as unknown as FleetView;
const line = (over: Partial<AgentLogRow> & { ts: string; line: string }): AgentLogRow => ({
  containerId: C1,
  stream: 'stdout',
  seq: 0,
  agentId: A,
  agentName: 'coder-1',
  team: null,
  ...over,
});

describe('stored agent logs (migration 014, real Postgres, the services role)', () => {
  let close: () => Promise<void>;
  let ownerPool: Pool;
  let repo: AgentLogRepository;
  const base = Date.parse('2026-01-01T10:00:00Z');
  beforeAll(async () => {
    const s = await testEventStore();
    close = s.close;
    ownerPool = s.ownerPool;
    repo = new AgentLogRepository(s.dataSource);
  });
  afterAll(async () => close());

  const count = async (where = 'true') => (await ownerPool.query<{ n: number }>(`select count(*)::int as n from agent_log_lines where ${where}`)).rows[0]!.n;

  test('a batch is stored with its cursors in one transaction; stored again, nothing is added and no cursor moves back', async () => {
    const batch = [
      line({ ts: at(base, 0), line: 'starting worker pid=7' }),
      line({ ts: at(base, 0), seq: 1, line: 'connection refused by upstream' }),
      line({ ts: at(base, 0.5), stream: 'stderr', line: 'WARN retrying in 2s' }),
      line({ ts: at(base, 1), line: 'task 42 done' }),
    ];
    assert.equal(await repo.store(batch), 4);
    assert.equal(await repo.store(batch), 0, 'the same keys again: nothing');
    assert.equal(await repo.store(batch.slice(0, 2)), 0);
    assert.equal(await count(), 4);
    const cursors = await repo.cursors([C1]);
    assert.deepEqual(Object.fromEntries(cursors), { [`${C1}/stdout`]: { ts: at(base, 1), seq: 0 }, [`${C1}/stderr`]: { ts: at(base, 0.5), seq: 0 } });
    // the microsecond survives the round trip
    assert.equal((await repo.search({ limit: 1 }))[0]!.ts, '2026-01-01T10:00:01.000000Z');
  });

  test('the volume per minute follows inserts and deletes (triggers run as the owner; the services may only read it)', async () => {
    const v = await repo.volume();
    const bytes = ['starting worker pid=7', 'connection refused by upstream', 'WARN retrying in 2s', 'task 42 done'].reduce((n, s) => n + Buffer.byteLength(s), 0);
    assert.deepEqual(v, [{ team: '', minute: '2026-01-01T10:00:00Z', lines: 4, bytes }]);
    await assert.rejects(repo['dataSource'].query('update agent_log_volume set bytes = 0'), /permission denied/);
    await assert.rejects(repo['dataSource'].query("update agent_log_lines set line = 'forged'"), /permission denied/);
  });

  test('search: by agent, time range, words (full text), newest first, in pages; a removed agent is found by its name', async () => {
    const more: AgentLogRow[] = [];
    for (let i = 0; i < 30; i++)
      more.push(line({ ts: at(base, 60 + i), containerId: C2, agentId: B, agentName: 'reviewer-1', line: `review ${i} ${i % 3 === 0 ? 'error: timeout' : 'ok'}` }));
    assert.equal(await repo.store(more), 30);
    const fleet = {
      everAgents: () => [
        { agentId: A, name: 'coder-1' },
        { agentId: B, name: 'reviewer-1' },
      ],
    } as unknown as FleetView;
    const search = new LogSearchHandler(repo, fleet);

    const byAgent = await search.search({ agent: 'coder-1', limit: 100 });
    assert.ok(byAgent.ok);
    assert.deepEqual(
      byAgent.result.map((l) => l.line),
      ['task 42 done', 'WARN retrying in 2s', 'connection refused by upstream', 'starting worker pid=7'],
    );
    const phrase = await search.search({ text: '"connection refused"', limit: 100 });
    assert.ok(phrase.ok);
    assert.deepEqual(
      phrase.result.map((l) => [l.agentName, l.line, l.stream]),
      [['coder-1', 'connection refused by upstream', 'stdout']],
    );
    const words = await search.search({ agent: B, text: 'error -review', limit: 100 });
    assert.ok(words.ok && words.result.length === 0, 'every error line also says review');
    const errors = await search.search({ agent: 'reviewer-1', text: 'timeout', from: at(base, 70), to: at(base, 80), limit: 100 });
    assert.ok(errors.ok);
    assert.deepEqual(
      errors.result.map((l) => l.line),
      ['review 18 error: timeout', 'review 15 error: timeout', 'review 12 error: timeout'],
    );

    // pages of 7 over the 30 lines of reviewer-1: each line once, newest first
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search.search({ agent: 'reviewer-1', limit: 7, ...(cursor ? { cursor } : {}) });
      assert.ok(page.ok);
      seen.push(...page.result.map((l) => l.line));
      cursor = page.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 30);
    assert.equal(new Set(seen).size, 30);
    assert.equal(seen[0], 'review 29 ok');

    await assert.rejects(search.search({ agent: 'nobody', limit: 1 }), /no agent named "nobody"/);
    await assert.rejects(search.search({ cursor: 'bogus', limit: 1 }), /cursor/);
  });

  test('retention: by age, then by size per team (cut to the line), and the volume says what is left', async () => {
    // 600 lines of 300 bytes over the last 10 minutes, for a third container
    const now = Date.now();
    const recent: AgentLogRow[] = [];
    for (let i = 0; i < 600; i++) recent.push(line({ ts: at(now - 600_000, i), containerId: C3, line: `${String(i).padStart(5, '0')} ${'y'.repeat(294)}` }));
    assert.equal(await repo.store(recent), 600);
    const settings = { logs: { retention: { maxAgeMs: 3_600_000, maxBytes: 100 * (300 + LINE_OVERHEAD_BYTES) } } } as unknown as MonitorSettings;
    const leader = { isLeader: true } as MonitorLeader;
    const retention = new LogRetention(repo, leader, settings, new JsonLogger('test', 'error'), new TeamRetentions(noFleet));

    const deleted = await retention.prune();
    assert.equal(await count(`line like '%yyyy%'`), 100, 'the newest 100 lines of 300 bytes fit the size');
    assert.equal(await count(`line not like '%yyyy%'`), 0, 'the lines of 2026-01-01T10:00 are past the age');
    assert.equal(deleted, 34 + 500);
    const kept = (await ownerPool.query<{ line: string }>('select line from agent_log_lines order by ts limit 1')).rows[0]!.line;
    assert.match(kept, /^00500 /, 'the oldest line kept is the 501st: the newest ones stay');
    const v = await repo.volume();
    assert.equal(
      v.reduce((n, b) => n + b.lines, 0),
      100,
    );
    assert.equal(await retention.prune(), 0, 'within limits: nothing more');
  });

  test("per-team retention: a team's tighter limits hold for its lines, other teams and agents in no team keep the global ones", async () => {
    const now = Date.now();
    const rows: AgentLogRow[] = [];
    const T1 = 'd'.repeat(64);
    const T2 = 'e'.repeat(64);
    const T3 = 'f'.repeat(64);
    // 200 lines of 300 bytes over the last 200 seconds for each of: team "tight", team "loose", no team
    for (let i = 0; i < 200; i++) {
      const ts = at(now - 200_000, i);
      const text = `${String(i).padStart(5, '0')} ${'z'.repeat(294)}`;
      rows.push(line({ ts, containerId: T1, agentName: 'tight-coder', team: 'tight', line: text }));
      rows.push(line({ ts, containerId: T2, agentName: 'loose-coder', team: 'loose', line: text }));
      rows.push(line({ ts, containerId: T3, agentName: 'solo', team: null, line: text }));
    }
    assert.equal(await repo.store(rows), 600);
    const settings = { logs: { retention: { maxAgeMs: 3_600_000, maxBytes: 10_000 * (300 + LINE_OVERHEAD_BYTES) } } } as unknown as MonitorSettings;
    const teams = new TeamRetentions(noFleet);
    const config = (logRetention: unknown) => ({ name: 'x', members: [], quota: { memory: '1g', cpus: 1, pids: 64 }, egress: false, logRetention, sharedVolume: false });
    // "tight": 50 lines' worth of megabytes, and 150 seconds; "loose": a setting that a change takes back to the global one
    teams.observe({ type: 'team.created', data: { team: 'tight', config: config({ maxMb: (50 * (300 + LINE_OVERHEAD_BYTES)) / 1024 / 1024, days: 150 / 86_400 }) } });
    teams.observe({ type: 'team.created', data: { team: 'loose', config: config({ maxMb: 0.001 }) } });
    teams.observe({ type: 'team.changed', data: { team: 'loose', config: config(null) } });
    const retention = new LogRetention(repo, { isLeader: true } as MonitorLeader, settings, new JsonLogger('test', 'error'), teams);
    assert.deepEqual(retention.policyFor('loose'), settings.logs.retention);
    assert.deepEqual(retention.policyFor(''), settings.logs.retention);

    await retention.prune(new Date(now));
    const of = (c: string) => count(`container_id = '${c}'`);
    assert.equal(await of(T2), 200, 'team "loose" keeps the global limits');
    assert.equal(await of(T3), 200, 'agents in no team keep the global limits');
    const tight = await of(T1);
    assert.ok(tight <= 50 && tight >= 45, `team "tight" is cut to its size (50 lines' worth): ${tight} kept`);
    const oldest = (await ownerPool.query<{ line: string }>(`select line from agent_log_lines where container_id = '${T1}' order by ts limit 1`)).rows[0]!.line;
    assert.ok(Number(oldest.slice(0, 5)) >= 150, `the newest lines of team "tight" stay: the oldest kept is ${oldest.slice(0, 5)}`);

    // its age limit: 150 seconds on, only the lines of the last 150 seconds are left (the last 50 are younger)
    await retention.prune(new Date(now + 100_000));
    assert.ok((await of(T1)) <= 50);
    const age = (
      await ownerPool.query<{ n: number }>(`select count(*)::int as n from agent_log_lines where container_id = '${T1}' and ts < $1`, [
        new Date(now + 100_000 - 150_000).toISOString(),
      ])
    ).rows[0]!.n;
    assert.equal(age, 0, 'nothing of team "tight" older than its 150 seconds');
    assert.equal(await of(T2), 200);
    await ownerPool.query(`delete from agent_log_lines where container_id in ('${T1}', '${T2}', '${T3}')`);
  });

  test('what a stored line costs beside its text (LINE_OVERHEAD_BYTES is that estimate)', async () => {
    const rows: AgentLogRow[] = [];
    const t0 = Date.now();
    for (let i = 0; i < 20_000; i++)
      rows.push(line({ ts: at(t0, i / 1000), containerId: C3, agentName: 'bulk', line: `2026-11-30 level=info msg="tick ${i}" worker=${i % 7} took=${i % 97}ms` }));
    for (let i = 0; i < rows.length; i += 2000) await repo.store(rows.slice(i, i + 2000));
    await ownerPool.query('vacuum analyze agent_log_lines');
    const { rows: r } = await ownerPool.query<{ total: string; text: string; n: number }>(
      "select pg_total_relation_size('agent_log_lines') as total, sum(octet_length(line)) as text, count(*)::int as n from agent_log_lines",
    );
    const overhead = (Number(r[0]!.total) - Number(r[0]!.text)) / r[0]!.n;
    process.stdout.write(`agent_log_lines: ${r[0]!.n} lines, ${Math.round(overhead)} bytes a line beside its text (estimate ${LINE_OVERHEAD_BYTES})\n`);
    assert.ok(overhead > LINE_OVERHEAD_BYTES / 2 && overhead < LINE_OVERHEAD_BYTES * 2, `measured ${overhead}`);
  });

  test('search with words past the newest 20,000 lines: common words from the newest lines, rare ones from the index, one exact page', async () => {
    const D = '0b1c5e9e-3f6a-4f7e-9d2a-000000000004';
    // 30,000 lines of one agent, one a millisecond: "alpha" on even lines, "beta" on odd ones (never together),
    // "needle" on three of the oldest and two of the newest
    await ownerPool.query(
      `insert into agent_log_lines (ts, container_id, stream, seq, agent_id, agent_name, team, line)
       select $1::timestamptz + g * interval '1 millisecond', $2, 'stdout', 0, $3, 'searcher', null,
              'line ' || g || case when g % 2 = 0 then ' alpha' else ' beta' end || case when g in (5, 10, 15, 29990, 29995) then ' needle' else '' end
         from generate_series(1, 30000) g`,
      [new Date(base + 86_400_000).toISOString(), 'd'.repeat(64), D],
    );
    await ownerPool.query('analyze agent_log_lines');
    const words = (rows: AgentLogRow[]) => rows.map((r) => r.line);
    const needles = await repo.search({ agentIds: [D], text: 'needle', limit: 10 });
    assert.deepEqual(words(needles), ['line 29995 beta needle', 'line 29990 alpha needle', 'line 15 beta needle', 'line 10 alpha needle', 'line 5 beta needle']);
    const first = await repo.search({ agentIds: [D], text: 'needle', limit: 3 });
    assert.deepEqual(words(first), ['line 29995 beta needle', 'line 29990 alpha needle', 'line 15 beta needle']);
    const last = first[2]!;
    const next = await repo.search({ agentIds: [D], text: 'needle', limit: 3, after: { ts: last.ts, containerId: last.containerId, stream: last.stream, seq: last.seq } });
    assert.deepEqual(words(next), ['line 10 alpha needle', 'line 5 beta needle'], 'the next page goes on below the last line shown');
    assert.deepEqual(await repo.search({ agentIds: [D], text: 'alpha beta', limit: 10 }), [], 'two common words that never meet: nothing, from the index');
    assert.deepEqual(words(await repo.search({ agentIds: [D], text: 'alpha', limit: 3 })), ['line 30000 alpha', 'line 29998 alpha', 'line 29996 alpha']);
    assert.deepEqual(words(await repo.search({ text: 'needle', limit: 2 })), ['line 29995 beta needle', 'line 29990 alpha needle'], 'without an agent filter too');
  });
});
