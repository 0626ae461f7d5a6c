/**
 * Event appends per second through PgEventStore.append (the `sacp_append` call, one
 * round trip, through the service's TypeORM DataSource: a transaction per append,
 * the streams row as the optimistic-concurrency check against the expected version,
 * the unique (stream, position) and event-id constraints, the append-only trigger,
 * RETURNING the stored rows), for single events and batches of 10, with 1 writer and
 * with 8 concurrent writers, each writer on its own stream.
 *
 * Baseline: plain multi-row INSERTs (autocommit) into a table with the same columns
 * and defaults but only a primary key: no triggers, no streams table, no other
 * constraints; same batch sizes, same concurrency, same payloads, through a plain `pg`
 * pool of the same size as the services' role.
 *
 * Each case runs in rounds that alternate store and raw (and swap which goes first)
 * so drift on a noisy machine hits both alike.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { uuidv7 } from '@sacp/event-store';
import type { NewEvent } from '@sacp/events';
import { metadata, testEventStore } from '../test/support/event-store';
import { type BenchResult, onInterrupt, perSec, progressFor, ratio, round, runStandalone } from './report';

const ROUNDS = Number(process.env.BENCH_APPEND_ROUNDS ?? 3);
const SLICE_MS = Number(process.env.BENCH_APPEND_SLICE_MS ?? 1500);
const WARMUP_MS = 300;
const CASES = [
  { writers: 1, batch: 1 },
  { writers: 1, batch: 10 },
  { writers: 8, batch: 1 },
  { writers: 8, batch: 10 },
];

const RAW_TABLE = /* sql */ `
create table bench_raw_events (
  global_position bigint generated always as identity primary key,
  stream_id       text        not null,
  stream_position integer     not null,
  event_id        uuid        not null,
  type            text        not null,
  schema_version  integer     not null,
  data            jsonb       not null,
  metadata        jsonb       not null,
  recorded_at     timestamptz not null default clock_timestamp(),
  transaction_id  xid8        not null default pg_current_xact_id()
)`;

/** A realistic small event body, like agent.container_started. */
const newEvents = (n: number, agentId: string): NewEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    type: 'agent.container_started',
    schemaVersion: 1,
    data: { agentId, containerId: `${agentId.replace(/-/g, '')}${i}`.padEnd(64, '0') },
  }));

type Writer = { streamId: string; agentId: string; version: number };

async function drive(writers: Writer[], until: number, appendOne: (w: Writer) => Promise<number>): Promise<{ events: number; seconds: number }> {
  const t0 = performance.now();
  const counts = await Promise.all(
    writers.map(async (w) => {
      let n = 0;
      while (performance.now() < until) n += await appendOne(w);
      return n;
    }),
  );
  return { events: counts.reduce((a, b) => a + b, 0), seconds: (performance.now() - t0) / 1000 };
}

export async function run(): Promise<BenchResult> {
  const progress = progressFor('event-append');
  progress('creating a private, migrated event store database');
  const es = await testEventStore();
  const unhook = onInterrupt(() => es.close());
  try {
    const { store, pool, ownerPool } = es;
    // the baseline's table is made by the owner and written as the services' role, through a plain pg pool
    await ownerPool.query(RAW_TABLE);
    await ownerPool.query('grant insert on bench_raw_events to sacp_service');
    const meta = metadata({ correlationId: randomUUID(), source: 'bench' });
    const metaJson = JSON.stringify(meta);

    const storeAppend = (batch: number) => async (w: Writer) => {
      await store.append([{ streamId: w.streamId, expectedVersion: w.version, events: newEvents(batch, w.agentId) }], meta);
      w.version += batch;
      return batch;
    };
    const rawAppend = (batch: number) => async (w: Writer) => {
      const values: unknown[] = [];
      const tuples = newEvents(batch, w.agentId).map((e, i) => {
        values.push(w.streamId, w.version + i + 1, uuidv7(), e.type, e.schemaVersion, JSON.stringify(e.data), metaJson);
        const b = i * 7;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
      });
      await pool.query(`insert into bench_raw_events (stream_id, stream_position, event_id, type, schema_version, data, metadata) values ${tuples.join(', ')}`, values);
      w.version += batch;
      return batch;
    };

    const rows: (string | number)[][] = [];
    const summary: Record<string, unknown> = {};
    const headline: BenchResult['headline'] = [];
    for (const c of CASES) {
      const label = `${c.writers} writer${c.writers > 1 ? 's' : ''}, batch ${c.batch}`;
      const mk = (): Writer[] =>
        Array.from({ length: c.writers }, () => {
          const agentId = randomUUID();
          return { streamId: `agent-${agentId}`, agentId, version: 0 };
        });
      const storeWriters = mk();
      const rawWriters = mk();
      const sides = {
        store: { writers: storeWriters, fn: storeAppend(c.batch), events: 0, seconds: 0 },
        raw: { writers: rawWriters, fn: rawAppend(c.batch), events: 0, seconds: 0 },
      };
      // warm-up: connections, plans, JIT (not counted)
      for (const side of [sides.store, sides.raw]) await drive(side.writers, performance.now() + WARMUP_MS, side.fn);
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 === 0 ? [sides.store, sides.raw] : [sides.raw, sides.store];
        for (const side of order) {
          const res = await drive(side.writers, performance.now() + SLICE_MS, side.fn);
          side.events += res.events;
          side.seconds += res.seconds;
        }
        progress(`${label}: round ${r + 1}/${ROUNDS} done`);
      }
      // the store's own bookkeeping agrees with what was appended (optimistic concurrency never failed)
      for (const w of storeWriters) {
        const v = await store.streamVersion(w.streamId);
        if (v !== w.version) throw new Error(`stream ${w.streamId} is at version ${v}, expected ${w.version}`);
      }
      const storeRate = sides.store.events / sides.store.seconds;
      const rawRate = sides.raw.events / sides.raw.seconds;
      progress(`${label}: store ${perSec(storeRate)}, raw ${perSec(rawRate)} (${ratio(storeRate, rawRate)})`);
      rows.push([label, perSec(storeRate), perSec(rawRate), ratio(storeRate, rawRate), sides.store.events.toLocaleString('en-US'), sides.raw.events.toLocaleString('en-US')]);
      const key = `w${c.writers}_b${c.batch}`;
      summary[key] = { storeEventsPerSec: Math.round(storeRate), rawEventsPerSec: Math.round(rawRate), ratio: round(storeRate / rawRate, 3) };
      headline.push({ measure: `appends, ${label}`, subject: perSec(storeRate), baseline: perSec(rawRate), ratio: ratio(storeRate, rawRate) });
    }

    return {
      name: 'event-append',
      tables: [
        {
          title: `Event appends per second (${ROUNDS} rounds × ${SLICE_MS / 1000} s per side, alternating)`,
          headers: ['case', 'PgEventStore.append', 'raw INSERT (baseline)', 'ratio', 'events (store)', 'events (raw)'],
          rows,
          notes: ['ratio = store / raw in the same run; each writer appends to its own stream with its expected version.'],
        },
      ],
      summary: { rounds: ROUNDS, sliceMs: SLICE_MS, ...summary },
      headline,
    };
  } finally {
    progress('dropping the database');
    await es.close().catch(() => undefined);
    unhook();
  }
}

if (require.main === module) runStandalone(run);
