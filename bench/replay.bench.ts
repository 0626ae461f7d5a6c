/**
 * Replay: rebuild every read model from 100,000 stored agent events.
 *
 * Setup (untimed): 5,000 agents, each with 20 events: the agent-name claim and 19
 * lifecycle events on the agent stream (deploy, create, start, stop, start, restart,
 * crash and restart, … then either a last crash-restart or removal), written in waves
 * of 100 agents whose events interleave the way concurrent agents' events do, one
 * transaction per wave, by a bulk INSERT … SELECT into the real events table (same
 * rows PgEventStore would write, streams rows included), plus two template versions
 * appended through PgEventStore. Then VACUUM ANALYZE, as autovacuum would have done.
 *
 * Subject: Projector.rebuild() with the real projections (agent registry, template
 * registry): one transaction, keyset pages of 2,000 in commit-safe order, fold, upsert.
 * Baseline: one raw `pg` query reading all rows (same columns) ordered by
 * (transaction_id, global_position), no projection work.
 * Also shown (information): the same paged PgEventStore.readAll walk the rebuild does,
 * without the projections, to split the rebuild's time into reading and projecting.
 * Rounds alternate baseline, read-only walk, rebuild.
 *
 * The baseline qualifies its ORDER BY columns (events.transaction_id): in
 * PgEventStore's query the output alias `transaction_id::text as transaction_id`
 * shadows the column, so Postgres sorts by the text form (see bench/README.md).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { uuidv7, START, checkpointOf, agentRegistryProjection, Projector, templateRegistryProjection, alertsProjection } from '@sacp/event-store';
import type { EventMetadata } from '@sacp/events';
import { testEventStore } from '../test/support/event-store';
import { type BenchResult, mean, ms, onInterrupt, perSec, progressFor, ratio, round, runStandalone } from './report';

const AGENTS = Number(process.env.BENCH_REPLAY_AGENTS ?? 5000);
const ROUNDS = Number(process.env.BENCH_REPLAY_ROUNDS ?? 2);
const WAVE = 100;
const EVENTS_PER_AGENT = 20;

interface Row {
  stream_id: string;
  stream_position: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
}

const TEMPLATE = { name: 'sim', version: 2, hash: 'sha256:5e1d0c3a9b7f' };

/** The 20 events of one agent: [stream, type, data] in the order they happen. */
function lifecycle(i: number, agentId: string): [string, string, Record<string, unknown>][] {
  const name = `agent-${String(i).padStart(5, '0')}`;
  const s = `agent-${agentId}`;
  const c1 = `${agentId.replace(/-/g, '')}${'a'.repeat(32)}`;
  const cname = `sacp-${name}-${agentId.replace(/-/g, '').slice(-8)}-g1`;
  const base: [string, string, Record<string, unknown>][] = [
    [`agent-name-${name}`, 'agent.name_claimed', { name, agentId }],
    [s, 'agent.deployed', { agentId, name, template: TEMPLATE, generation: 1 }],
    [s, 'agent.container_created', { agentId, containerId: c1, containerName: cname, generation: 1 }],
    [s, 'agent.container_started', { agentId, containerId: c1 }],
    [s, 'agent.stop_requested', { agentId }],
    [s, 'agent.container_stopped', { agentId, containerId: c1, exitCode: 0 }],
    [s, 'agent.start_requested', { agentId }],
    [s, 'agent.container_started', { agentId, containerId: c1 }],
    [s, 'agent.restart_requested', { agentId, restartSeq: 1 }],
    [s, 'agent.container_restarted', { agentId, containerId: c1, restartSeq: 1 }],
    [s, 'agent.container_exited', { agentId, containerId: c1, exitCode: 137, oomKilled: false, finishedAt: '2026-11-26T10:05:00.000Z' }],
    [s, 'agent.restart_requested', { agentId, restartSeq: 2 }],
    [s, 'agent.container_restarted', { agentId, containerId: c1, restartSeq: 2 }],
    [s, 'agent.stop_requested', { agentId }],
    [s, 'agent.container_stopped', { agentId, containerId: c1, exitCode: 0 }],
    [s, 'agent.start_requested', { agentId }],
    [s, 'agent.container_started', { agentId, containerId: c1 }],
  ];
  const end: [string, string, Record<string, unknown>][] =
    i % 5 === 0
      ? [
          [s, 'agent.remove_requested', { agentId }],
          [s, 'agent.container_removed', { agentId, containerId: c1 }],
          [s, 'agent.removed', { agentId, name }],
        ]
      : [
          [s, 'agent.container_exited', { agentId, containerId: c1, exitCode: 1, oomKilled: false, finishedAt: '2026-11-26T11:00:00.000Z' }],
          [s, 'agent.restart_requested', { agentId, restartSeq: 3 }],
          [s, 'agent.container_restarted', { agentId, containerId: c1, restartSeq: 3 }],
        ];
  return [...base, ...end];
}

const system = { kind: 'system' as const, id: 'sacp', displayName: 'control plane' };
const operator = { kind: 'discord' as const, id: '112233445566778899', displayName: 'ops-alice' };
const OPERATOR_TYPES = new Set(['agent.deployed', 'agent.name_claimed', 'agent.stop_requested', 'agent.start_requested', 'agent.remove_requested']);

export async function run(): Promise<BenchResult> {
  const progress = progressFor('replay');
  progress('creating a private, migrated event store database');
  const es = await testEventStore();
  const unhook = onInterrupt(() => es.close());
  try {
    const { pool, store } = es;

    // template versions, through the real append path
    const tmeta: EventMetadata = {
      commandId: null,
      correlationId: randomUUID(),
      causationId: null,
      actor: system,
      source: 'orchestrator:startup',
      reason: 'template files changed',
      occurredAt: new Date(Date.parse('2026-11-26T09:00:00Z')).toISOString(),
    };
    for (const v of [1, 2]) {
      await store.append(
        [
          {
            streamId: 'template-sim',
            expectedVersion: v - 1,
            events: [
              {
                type: 'template.version_registered',
                schemaVersion: 1,
                data: {
                  ...TEMPLATE,
                  version: v,
                  file: 'agents/sim.json',
                  definition: { name: 'sim', image: 'sacp/sim-agent:latest', resources: { memory: '64m', cpus: 0.25, pids: 64 } },
                },
              },
            ],
          },
        ],
        tmeta,
      );
    }

    progress(`writing ${(AGENTS * EVENTS_PER_AGENT).toLocaleString('en-US')} agent events for ${AGENTS.toLocaleString('en-US')} agents (waves of ${WAVE}, one transaction each)`);
    let clock = Date.parse('2026-11-26T10:00:00Z');
    const tWrite = performance.now();
    for (let w = 0; w < AGENTS; w += WAVE) {
      const agents = Array.from({ length: Math.min(WAVE, AGENTS - w) }, (_, k) => {
        const agentId = randomUUID();
        return { agentId, events: lifecycle(w + k, agentId), correlation: randomUUID() };
      });
      const rows: Row[] = [];
      const versions = new Map<string, number>();
      // phase-major: the agents of a wave progress side by side, as concurrent agents do
      for (let phase = 0; phase < EVENTS_PER_AGENT; phase++) {
        for (const a of agents) {
          const [stream, type, data] = a.events[phase]!;
          const pos = (versions.get(stream) ?? 0) + 1;
          versions.set(stream, pos);
          clock += 37;
          const byOperator = OPERATOR_TYPES.has(type);
          rows.push({
            stream_id: stream,
            stream_position: pos,
            event_id: uuidv7(clock),
            type,
            schema_version: 1,
            data,
            metadata: {
              commandId: byOperator ? randomUUID() : null,
              correlationId: a.correlation,
              causationId: byOperator ? null : randomUUID(),
              actor: byOperator ? operator : system,
              source: byOperator ? 'discord:guild/1122/channel/3344' : 'orchestrator:reconcile',
              reason: null,
              occurredAt: new Date(clock).toISOString(),
            },
          });
        }
      }
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query(`insert into streams (stream_id, version) select * from jsonb_to_recordset($1::jsonb) as x(stream_id text, version int)`, [
          JSON.stringify([...versions].map(([stream_id, version]) => ({ stream_id, version }))),
        ]);
        await client.query(
          `insert into events (stream_id, stream_position, event_id, type, schema_version, data, metadata)
           select stream_id, stream_position, event_id, type, schema_version, data, metadata
             from jsonb_to_recordset($1::jsonb) as x(ord int, stream_id text, stream_position int, event_id uuid, type text, schema_version int, data jsonb, metadata jsonb)
            order by ord`,
          [JSON.stringify(rows.map((r, ord) => ({ ord, ...r })))],
        );
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
      const done = w + agents.length;
      if (done % 1000 === 0 || done === AGENTS) progress(`written ${(done * EVENTS_PER_AGENT).toLocaleString('en-US')} events`);
    }
    const writeSeconds = (performance.now() - tWrite) / 1000;
    // only the owner may vacuum; the store is read through the services' role
    await es.ownerPool.query('vacuum analyze events');
    await es.ownerPool.query('vacuum analyze streams');
    const { rows: countRows } = await pool.query<{ n: string }>('select count(*)::text as n from events');
    const total = Number(countRows[0]!.n);
    progress(`${total.toLocaleString('en-US')} events stored in ${writeSeconds.toFixed(1)} s; vacuum analyze done`);

    const rawPass = async () => {
      const t0 = performance.now();
      const { rows } = await pool.query(
        `select global_position, stream_id, stream_position, event_id, type, schema_version, data, metadata, recorded_at, transaction_id::text as transaction_id
           from events order by events.transaction_id, events.global_position`,
      );
      if (rows.length !== total) throw new Error(`raw pass read ${rows.length} rows, expected ${total}`);
      return performance.now() - t0;
    };
    // counts seen by the paged passes, checked in the sanity line instead of aborting the bench
    const seen = { paged: [] as number[], rebuild: [] as number[] };
    const pagedRead = async () => {
      const t0 = performance.now();
      const n = await es.dataSource.transaction(async (tx) => {
        let cp = START;
        let read = 0;
        for (;;) {
          const batch = await store.readAll(cp, 2000, tx);
          if (!batch.length) return read;
          cp = checkpointOf(batch[batch.length - 1]!);
          read += batch.length;
        }
      });
      seen.paged.push(n);
      return performance.now() - t0;
    };
    const projector = new Projector(store, [agentRegistryProjection, templateRegistryProjection, alertsProjection]);
    const rebuild = async () => {
      const t0 = performance.now();
      const r = await projector.rebuild();
      seen.rebuild.push(r.events);
      return performance.now() - t0;
    };

    progress('warm-up: one raw pass (fills caches, not counted)');
    await rawPass();
    const times = { raw: [] as number[], paged: [] as number[], rebuild: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      times.raw.push(await rawPass());
      progress(`round ${r + 1}/${ROUNDS}: raw pass ${ms(times.raw.at(-1)!)}`);
      times.paged.push(await pagedRead());
      progress(`round ${r + 1}/${ROUNDS}: paged readAll walk ${ms(times.paged.at(-1)!)}`);
      times.rebuild.push(await rebuild());
      progress(`round ${r + 1}/${ROUNDS}: Projector.rebuild() ${ms(times.rebuild.at(-1)!)}`);
    }

    // sanity (printed, not asserted as timing)
    const { rows: reg } = await pool.query<{ observed: string; n: number }>('select observed, count(*)::int as n from agent_registry group by observed order by observed');
    const registryRows = reg.reduce((a, r) => a + r.n, 0);
    const byObserved = Object.fromEntries(reg.map((r) => [r.observed, r.n]));
    const { rows: tpl } = await pool.query<{ name: string; version: number }>('select name, version from template_registry');
    const allSeen = [...seen.paged, ...seen.rebuild].every((n) => n === total);
    const sane = registryRows === AGENTS && allSeen;
    const sanity =
      `agent_registry has ${registryRows.toLocaleString('en-US')} rows (expected ${AGENTS.toLocaleString('en-US')}: ${registryRows === AGENTS ? 'OK' : 'MISMATCH'}), ` +
      `observed ${JSON.stringify(byObserved)}; template_registry ${tpl.map((t) => `${t.name} v${t.version}`).join(', ')}; ` +
      `events seen per pass ${allSeen ? `all ${total.toLocaleString('en-US')}: OK` : `MISMATCH: paged ${seen.paged.join('/')}, rebuild ${seen.rebuild.join('/')} of ${total}`}`;
    progress(`sanity: ${sanity}`);

    const m = { raw: mean(times.raw), paged: mean(times.paged), rebuild: mean(times.rebuild) };
    const rate = (t: number) => total / (t / 1000);
    const fmtRuns = (v: number[]) => v.map((x) => (x / 1000).toFixed(2)).join(' / ') + ' s';
    return {
      name: 'replay',
      tables: [
        {
          title: `Replay of ${total.toLocaleString('en-US')} events (${AGENTS.toLocaleString('en-US')} agent streams; mean of ${ROUNDS} rounds)`,
          headers: ['pass', 'time (mean)', 'runs', 'events/s', 'time ratio vs raw'],
          rows: [
            ['Projector.rebuild() (agent + template registry)', ms(m.rebuild), fmtRuns(times.rebuild), perSec(rate(m.rebuild)), ratio(m.rebuild, m.raw)],
            ['paged PgEventStore.readAll walk, no projection (info)', ms(m.paged), fmtRuns(times.paged), perSec(rate(m.paged)), ratio(m.paged, m.raw)],
            ['raw pg: one ordered SELECT of all rows (baseline)', ms(m.raw), fmtRuns(times.raw), perSec(rate(m.raw)), '1.00x'],
          ],
          notes: [`sanity: ${sanity}`, `setup: ${total.toLocaleString('en-US')} events bulk-written in ${writeSeconds.toFixed(1)} s (not part of the measure).`],
        },
      ],
      summary: {
        events: total,
        agents: AGENTS,
        rounds: ROUNDS,
        rebuildMs: round(m.rebuild),
        rebuildEventsPerSec: Math.round(rate(m.rebuild)),
        pagedReadMs: round(m.paged),
        rawPassMs: round(m.raw),
        rawEventsPerSec: Math.round(rate(m.raw)),
        timeRatio: round(m.rebuild / m.raw, 2),
        registryRows,
        eventsSeen: seen,
        sanityOk: sane,
      },
      headline: [
        { measure: `rebuild ${total.toLocaleString('en-US')} events`, subject: perSec(rate(m.rebuild)), baseline: perSec(rate(m.raw)), ratio: `${ratio(m.rebuild, m.raw)} time` },
      ],
    };
  } finally {
    progress('dropping the database');
    await es.close().catch(() => undefined);
    unhook();
  }
}

if (require.main === module) runStandalone(run);
