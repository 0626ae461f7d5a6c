/**
 * The agent list over HTTP: `GET /api/v1/agents` with 500 agents registered (subject),
 * against the raw read-model query the orchestrator runs for it (baseline), in the
 * same run, interleaved.
 *
 * A whole control plane from the test harness (private Postgres database, nats-server
 * with JetStream, the real orchestrator, one api process from dist/). The 500 agents
 * are registered without containers: the bench appends, through the event store, the
 * events a deploy and the reconciler would (the name claim with `agent.deployed`, then
 * `agent.container_created`, then `agent.container_started`, three appends per agent),
 * and the orchestrator's projector builds `agent_registry` from them, so every row is
 * that of a running agent. The orchestrator's periodic reconcile pass is set to an hour
 * and the appends are not announced on the bus, so the reconciler never looks for the
 * 500 containers (it would list Docker for each agent and record them vanished).
 *
 * The unit is one full listing of the agents: `GET /api/v1/agents?limit=1000` (one
 * page for up to 1,000 agents; `nextCursor` is followed if there is one), as a viewer
 * token (Bearer). The baseline sends the very SQL the orchestrator's
 * AgentRegistryReader.page builds for that page (built here by TypeORM from the same
 * entity, the same query builder calls) over a plain `pg` connection as the services'
 * role, and reads the rows. Shown for information: the same listing as the bus query
 * the api sends the orchestrator (`agent.status`, pageSize 1000), which splits the
 * API's time into the orchestrator's part and the api's own (HTTP, auth, re-encoding).
 * Each round runs the three, the order rotating from round to round.
 *
 *   node dist/bench/api-agents.bench.js    BENCH_API_AGENTS (500), BENCH_API_ROUNDS (200)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { AgentRegistryEntity, uuidv7 } from '@sacp/event-store';
import type { AgentStatusView, EventMetadata } from '@sacp/events';
import { TestApi } from '../test/support/api';
import { TestControlPlane } from '../test/support/control-plane';
import { testDataSource } from '../test/support/event-store';
import { testPool } from '../test/support/postgres';
import { waitFor } from '../test/support/ports';
import { type BenchResult, mean, ms, onInterrupt, percentile, progressFor, ratio, round, runStandalone } from './report';

/** The largest page the API gives (Limits.PAGE_MAX_ITEMS): the listing asks for it. */
const PAGE = 1000;
const WARMUP = 20;
const WRITERS = 8;

/** The registry's order, as AgentRegistryReader writes it. */
const ORDER_KEY = "coalesce(a.created_at, '-infinity'::timestamptz)";

interface Key {
  at: string;
  name: string;
  id: string;
}

/**
 * The SQL of AgentRegistryReader.page (no filters), built by TypeORM from the same
 * entity and the same builder calls: the first page, and a page after a key.
 */
function readerSql(ds: DataSource): { first: string; after: string } {
  const build = (after: Key | null) => {
    const q = ds
      .getRepository(AgentRegistryEntity)
      .createQueryBuilder('a')
      .addSelect(`${ORDER_KEY}::text`, 'key_at')
      .where("a.observed <> 'removed'")
      .orderBy(ORDER_KEY)
      .addOrderBy('a.name')
      .addOrderBy('a.agentId')
      .limit(PAGE + 1);
    if (after) q.andWhere(`(${ORDER_KEY}, a.name, a.agentId) > (CAST(:at AS timestamptz), CAST(:name AS text), CAST(:id AS text))`, after);
    return q.getQueryAndParameters();
  };
  const [first, none] = build(null);
  const [after, params] = build({ at: '$at', name: '$name', id: '$id' });
  if (none.length || params.join() !== '$at,$name,$id') throw new Error(`unexpected parameters from the query builder: ${JSON.stringify([none, params])}`);
  return { first, after };
}

export async function run(): Promise<BenchResult> {
  const AGENTS = Number(process.env.BENCH_API_AGENTS ?? 500);
  const ROUNDS = Number(process.env.BENCH_API_ROUNDS ?? 200);
  const progress = progressFor('api-agents');
  // an hour between full reconcile passes (the most the setting allows): none runs during the bench
  const cp = new TestControlPlane({ env: { SACP_RECONCILE_INTERVAL_MS: '3600000' } });
  let api: TestApi | null = null;
  let raw: Pool | null = null;
  let conn: PoolClient | null = null;
  // once, whoever asks first (Ctrl-C or the end of the run): both wait for the same cleanup
  let cleaning: Promise<void> | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      conn?.release();
      await raw?.end().catch(() => undefined);
      await api?.stop();
      await cp.stop();
    })());
  const unhook = onInterrupt(cleanup);
  try {
    progress('starting a control plane (database, nats-server, orchestrator) and an api process');
    await cp.start();
    api = await new TestApi(cp).start();
    const { token } = await api.createToken('bench-api-agents', 'viewer');

    // the template the orchestrator registered at start
    const template = await waitFor(
      'template sim registered',
      async () => {
        const { rows } = await cp.pool.query<{ name: string; version: number; hash: string }>("select name, version, hash from template_registry where name = 'sim'");
        return rows[0] ?? null;
      },
      30_000,
      100,
    );

    progress(`registering ${AGENTS} agents: 3 appends each through the event store (${WRITERS} writers), no containers`);
    const store = await cp.eventStore();
    const tag = randomBytes(2).toString('hex');
    const operator = { kind: 'cli' as const, id: 'bench', displayName: 'Bench Operator' };
    const system = { kind: 'system' as const, id: 'sacp', displayName: 'control plane' };
    const tSeed = performance.now();
    let next = 0;
    const registerOne = async (i: number) => {
      const agentId = uuidv7();
      const name = `bench-${tag}-${String(i).padStart(4, '0')}`;
      const stream = `agent-${agentId}`;
      const containerId = randomBytes(32).toString('hex');
      const correlationId = randomUUID();
      const meta = (over: Partial<EventMetadata>): EventMetadata => ({
        commandId: null,
        correlationId,
        causationId: null,
        actor: system,
        source: 'orchestrator:reconcile',
        reason: null,
        occurredAt: new Date().toISOString(),
        ...over,
      });
      const deployed = await store.append(
        [
          { streamId: `agent-name-${name}`, expectedVersion: 0, events: [{ type: 'agent.name_claimed', schemaVersion: 1, data: { name, agentId } }] },
          { streamId: stream, expectedVersion: 0, events: [{ type: 'agent.deployed', schemaVersion: 1, data: { agentId, name, template, generation: 1 } }] },
        ],
        meta({ commandId: randomUUID(), actor: operator, source: 'bench', reason: 'api-agents bench' }),
      );
      if (deployed.duplicate) throw new Error('a fresh command id was taken for a duplicate');
      const created = await store.append(
        [
          {
            streamId: stream,
            expectedVersion: 1,
            events: [
              {
                type: 'agent.container_created',
                schemaVersion: 1,
                data: { agentId, containerId, containerName: `sacp-${name}-${agentId.replace(/-/g, '').slice(-8)}-g1`, generation: 1 },
              },
            ],
          },
        ],
        meta({ causationId: deployed.events[1]!.eventId }),
      );
      if (created.duplicate) throw new Error('an append without a command id was taken for a duplicate');
      await store.append(
        [{ streamId: stream, expectedVersion: 2, events: [{ type: 'agent.container_started', schemaVersion: 1, data: { agentId, containerId } }] }],
        meta({ causationId: created.events[0]!.eventId }),
      );
    };
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        for (let i = next++; i < AGENTS; i = next++) await registerOne(i);
      }),
    );
    const seedSeconds = (performance.now() - tSeed) / 1000;
    progress(`${AGENTS * 3} appends in ${seedSeconds.toFixed(1)} s; waiting for the projector to show ${AGENTS} running agents`);
    const tProject = performance.now();
    await waitFor(
      `${AGENTS} running agents in agent_registry`,
      async () => {
        const { rows } = await cp.pool.query<{ n: number }>("select count(*)::int as n from agent_registry where observed = 'running'");
        return rows[0]!.n >= AGENTS ? true : null;
      },
      120_000,
      100,
    );
    const projectSeconds = (performance.now() - tProject) / 1000;
    // what autovacuum would have done after the upserts (the test admin has the owner's rights)
    await cp.pool.query('vacuum analyze agent_registry');

    // the three ways to list them
    const listApi = async (): Promise<{ ids: string[]; pages: number; bytes: number }> => {
      const ids: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      let bytes = 0;
      do {
        const r = await api!.request<{ items: AgentStatusView[]; nextCursor?: string }>(
          'GET',
          `/api/v1/agents?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          {
            token,
          },
        );
        if (r.status !== 200) throw new Error(`GET /api/v1/agents answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
        pages++;
        bytes += Number(r.headers.get('content-length') ?? 0) || Buffer.byteLength(JSON.stringify(r.body));
        for (const a of r.body.items) ids.push(a.id);
        cursor = r.body.nextCursor;
      } while (cursor);
      return { ids, pages, bytes };
    };
    const listBus = async (): Promise<{ ids: string[]; pages: number }> => {
      const ids: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const r = await cp.query<AgentStatusView[]>('agent.status', { pageSize: PAGE, ...(cursor ? { cursor } : {}) });
        if (!r.ok) throw new Error(`agent.status failed: ${r.error.code} ${r.error.message}`);
        pages++;
        for (const a of r.result) ids.push(a.id);
        cursor = r.nextCursor;
      } while (cursor);
      return { ids, pages };
    };
    const sqlSource = await testDataSource(cp.databaseUrl);
    const sql = readerSql(sqlSource);
    await sqlSource.destroy();
    raw = testPool(cp.databaseUrl);
    conn = await raw.connect();
    const listRaw = async (): Promise<{ ids: string[]; pages: number }> => {
      const ids: string[] = [];
      let after: Key | null = null;
      let pages = 0;
      for (;;) {
        const params: string[] = after ? [after.at, after.name, after.id] : [];
        const { rows } = await conn!.query<Record<string, string>>(after ? sql.after : sql.first, params);
        pages++;
        const page: Record<string, string>[] = rows.slice(0, PAGE);
        for (const r of page) ids.push(r.a_agent_id!);
        if (rows.length <= PAGE) break;
        const last: Record<string, string> = page[page.length - 1]!;
        after = { at: last.key_at!, name: last.a_name!, id: last.a_agent_id! };
      }
      return { ids, pages };
    };

    progress(`the API lists ${AGENTS}? checking, then ${WARMUP} warm-up rounds and ${ROUNDS} measured rounds (API, bus, raw SQL; order rotating)`);
    const first = await waitFor(
      `GET /api/v1/agents listing ${AGENTS}`,
      async () => {
        const l = await listApi();
        return l.ids.length === AGENTS ? l : null;
      },
      30_000,
      200,
    );
    const bus0 = await listBus();
    const raw0 = await listRaw();
    const sameOrder = first.ids.join() === raw0.ids.join() && bus0.ids.join() === raw0.ids.join();
    if (raw0.ids.length !== AGENTS || !sameOrder)
      throw new Error(`the listings differ: API ${first.ids.length}, bus ${bus0.ids.length}, raw ${raw0.ids.length} agents, same order: ${sameOrder}`);

    const times = { api: [] as number[], bus: [] as number[], raw: [] as number[] };
    const counts = { api: 0, bus: 0, raw: 0 };
    const steps: [keyof typeof times, () => Promise<{ ids: string[] }>][] = [
      ['api', listApi],
      ['bus', listBus],
      ['raw', listRaw],
    ];
    for (let i = -WARMUP; i < ROUNDS; i++) {
      const k = ((i % 3) + 3) % 3;
      for (const [name, list] of [...steps.slice(k), ...steps.slice(0, k)]) {
        const t = performance.now();
        const { ids } = await list();
        const took = performance.now() - t;
        if (i < 0) continue;
        times[name].push(took);
        if (ids.length === AGENTS) counts[name]++;
      }
      if (i >= 0 && (i + 1) % 50 === 0) progress(`${i + 1}/${ROUNDS} rounds`);
    }

    // the reconciler left them alone: still running, no event but the seeded ones
    const { rows: after } = await cp.pool.query<{ running: number; others: number }>(
      `select (select count(*)::int from agent_registry where observed = 'running') as running,
              (select count(*)::int from events where type like 'agent.%'
                  and type not in ('agent.name_claimed', 'agent.deployed', 'agent.container_created', 'agent.container_started')) as others`,
    );
    const untouched = after[0]!.running === AGENTS && after[0]!.others === 0;

    const p = (v: number[], q: number) => percentile(v, q);
    const paired = times.api.map((a, i) => a / times.raw[i]!);
    const row = (label: string, v: number[], withRatio: boolean) => [
      label,
      ms(p(v, 50)),
      ms(p(v, 90)),
      ms(p(v, 99)),
      ms(mean(v)),
      withRatio ? ratio(p(v, 50), p(times.raw, 50)) : '—',
      withRatio ? ratio(p(v, 99), p(times.raw, 99)) : '—',
    ];
    const kib = (first.bytes / 1024).toFixed(0);
    return {
      name: 'api-agents',
      tables: [
        {
          title: `GET /api/v1/agents, ${AGENTS} agents registered (n=${ROUNDS} listings each, interleaved)`,
          headers: ['path (one full listing of the agents)', 'p50', 'p90', 'p99', 'mean', 'p50 ratio', 'p99 ratio'],
          rows: [
            row(`A: GET /api/v1/agents?limit=${PAGE} (${first.pages} page${first.pages > 1 ? 's' : ''}, ${kib} KiB)`, times.api, true),
            row(`info: agent.status query on NATS, pageSize ${PAGE}`, times.bus, true),
            row('B: raw SQL of the registry reader (baseline)', times.raw, false),
          ],
          notes: [
            'ratio = A / B in the same run. A: HTTP with a viewer Bearer token → api → agent.status on NATS → orchestrator (TypeORM query, views, reply) → JSON; the clock includes parsing the body.',
            "B: the SQL AgentRegistryReader.page sends (TypeORM-built, same entity and builder), sent over one plain pg connection as the services' role; the clock includes pg parsing the rows.",
            `median of the ${ROUNDS} paired ratios (A_i / B_i, same round): ${round(percentile(paired, 50), 2)}x. p99 of ${ROUNDS} samples is nearest-rank.`,
            `sanity: every listing had all ${AGENTS} agents: API ${counts.api}/${ROUNDS}, bus ${counts.bus}/${ROUNDS}, raw ${counts.raw}/${ROUNDS}; all three in the same order: ${sameOrder ? 'OK' : 'NO'}; afterwards ${after[0]!.running} running, ${after[0]!.others} other agent events (reconciler idle: ${untouched ? 'OK' : 'NO'}).`,
            `setup: ${AGENTS * 3} appends in ${seedSeconds.toFixed(1)} s, projected in ${projectSeconds.toFixed(1)} s; no containers, reconcile pass every hour (not part of the measure).`,
          ],
        },
      ],
      summary: {
        agents: AGENTS,
        rounds: ROUNDS,
        unit: `one full listing: GET /api/v1/agents?limit=${PAGE}, following nextCursor (${first.pages} page(s), ${first.bytes} bytes)`,
        apiMs: { p50: round(p(times.api, 50), 2), p99: round(p(times.api, 99), 2) },
        busMs: { p50: round(p(times.bus, 50), 2), p99: round(p(times.bus, 99), 2) },
        rawMs: { p50: round(p(times.raw, 50), 2), p99: round(p(times.raw, 99), 2) },
        ratio: { p50: round(p(times.api, 50) / p(times.raw, 50), 2), p99: round(p(times.api, 99) / p(times.raw, 99), 2), pairedMedian: round(percentile(paired, 50), 2) },
        complete: counts,
        sameOrder,
        reconcilerIdle: untouched,
      },
      headline: [
        {
          measure: `GET /api/v1/agents (${AGENTS}) p50`,
          subject: ms(p(times.api, 50)),
          baseline: `${ms(p(times.raw, 50))} (raw SQL)`,
          ratio: ratio(p(times.api, 50), p(times.raw, 50)),
        },
        {
          measure: `GET /api/v1/agents (${AGENTS}) p99`,
          subject: ms(p(times.api, 99)),
          baseline: `${ms(p(times.raw, 99))} (raw SQL)`,
          ratio: ratio(p(times.api, 99), p(times.raw, 99)),
        },
      ],
    };
  } finally {
    unhook();
    await cleanup();
  }
}

if (require.main === module) runStandalone(run);
