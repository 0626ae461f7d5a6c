/**
 * Live latency: an event committed to the store → delivered to a WebSocket client of
 * `/api/v1/live` (subject), against the same event read by a plain JetStream ordered
 * consumer on SACP_EVENTS (baseline), in the same run, for the same events.
 *
 * A whole control plane from the test harness (private Postgres database, nats-server
 * with JetStream, the real orchestrator with the outbox relay, one api process from
 * dist/). Events are appended one at a time through the event store; right after the
 * commit the bench announces it on `sacp.internal.appended` as a writer does, so the
 * relay publishes at once instead of at its next poll. The clock starts when the
 * append resolves (the commit) and stops when each reader has the event: both paths
 * share the relay, so the ratio is what the API's WebSocket adds on top of JetStream
 * (the API's own ordered consumer, the fan-out, the frame and the socket).
 *
 *   node dist/bench/live-latency.bench.js        BENCH_LIVE_EVENTS (300), BENCH_LIVE_GAP_MS (15)
 */
import { performance } from 'node:perf_hooks';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { EVENT_STREAM, Subjects, type StoredEvent } from '@sacp/events';
import { TestApi } from '../test/support/api';
import { TestControlPlane } from '../test/support/control-plane';
import { metadata } from '../test/support/event-store';
import { LiveClient } from '../test/support/live-client';
import { type BenchResult, ms, onInterrupt, percentile, progressFor, ratio, round, runStandalone, sleep } from './report';

export async function run(): Promise<BenchResult> {
  const N = Number(process.env.BENCH_LIVE_EVENTS ?? 300);
  const GAP = Number(process.env.BENCH_LIVE_GAP_MS ?? 15);
  const progress = progressFor('live-latency');
  const cp = new TestControlPlane();
  let api: TestApi | null = null;
  const cleanup = async () => {
    await api?.stop();
    await cp.stop();
  };
  const unhook = onInterrupt(cleanup);
  try {
    await cp.start();
    api = await new TestApi(cp).start();
    const { token } = await api.createToken('bench-live', 'viewer');
    const store = await cp.eventStore();
    const admin = await cp.streamAdmin();

    const committedAt = new Map<string, number>();
    const ws = new Map<string, number>();
    const js = new Map<string, number>();

    // the baseline: a plain ordered consumer, from the stream's end
    const reader = await cp.connectAs('api');
    const consumer = await jetstream(reader).consumers.get(EVENT_STREAM, { filter_subjects: Subjects.eventWildcard, deliver_policy: DeliverPolicy.New });
    const messages = await consumer.consume();
    void (async () => {
      for await (const m of messages) {
        const now = performance.now();
        const e = m.json<StoredEvent>();
        if (e.type === 'bench.live') js.set(e.eventId, now);
      }
    })();

    // the subject: a WebSocket client of the api
    const client = await LiveClient.connect(api.replicas[0]!.port, { token });
    client.ws.on('message', (data) => {
      const now = performance.now();
      const m = JSON.parse((data as Buffer).toString('utf8')) as { type: string; event?: StoredEvent };
      if (m.type === 'event' && m.event?.type === 'bench.live') ws.set(m.event.eventId, now);
    });
    client.subscribe(['events']);
    await client.next((m) => m.type === 'hello');
    await sleep(500);

    progress(`warming up, then ${N} events, one every ${GAP} ms`);
    for (let i = -20; i < N; i++) {
      const streamId = `bench-live-${i % 8}`;
      const outcome = await store.append(
        [{ streamId, expectedVersion: await store.streamVersion(streamId), events: [{ type: 'bench.live', schemaVersion: 1, data: { i } }] }],
        metadata(),
      );
      const t = performance.now();
      admin.publish(Subjects.appended, JSON.stringify([streamId]));
      if (!outcome.duplicate && i >= 0) committedAt.set(outcome.events[0]!.eventId, t);
      await sleep(GAP);
    }
    const deadline = Date.now() + 30_000;
    while ((ws.size < N || js.size < N) && Date.now() < deadline) await sleep(50);
    await messages.close();
    client.close();

    const lat = (arrived: Map<string, number>) => [...committedAt].filter(([id]) => arrived.has(id)).map(([id, t]) => arrived.get(id)! - t);
    const wsLat = lat(ws);
    const jsLat = lat(js);
    const p = (v: number[], q: number) => percentile(v, q);
    const row = (name: string, v: number[]) => [name, String(v.length), ms(p(v, 50)), ms(p(v, 90)), ms(p(v, 99)), ms(Math.max(...v))];
    return {
      name: 'live-latency',
      tables: [
        {
          title: `Event committed → delivered (${N} events, one every ${GAP} ms)`,
          headers: ['reader', 'received', 'p50', 'p90', 'p99', 'max'],
          rows: [
            row('WebSocket /api/v1/live (subject)', wsLat),
            row('JetStream ordered consumer (baseline)', jsLat),
            ['ratio', '', ratio(p(wsLat, 50), p(jsLat, 50)), ratio(p(wsLat, 90), p(jsLat, 90)), ratio(p(wsLat, 99), p(jsLat, 99)), ''],
          ],
          notes: [
            'both readers get the same events from the same relay; the clock starts when the append has committed',
            'the subject adds the api process: its own ordered consumer, the fan-out to clients, the frame and the socket',
          ],
        },
      ],
      summary: {
        events: N,
        received: { ws: wsLat.length, jetstream: jsLat.length },
        wsMs: { p50: round(p(wsLat, 50), 2), p99: round(p(wsLat, 99), 2) },
        jetstreamMs: { p50: round(p(jsLat, 50), 2), p99: round(p(jsLat, 99), 2) },
        ratio: { p50: round(p(wsLat, 50) / p(jsLat, 50), 2), p99: round(p(wsLat, 99) / p(jsLat, 99), 2) },
      },
      headline: [
        { measure: 'live: commit → WebSocket p50', subject: ms(p(wsLat, 50)), baseline: `${ms(p(jsLat, 50))} (JetStream)`, ratio: ratio(p(wsLat, 50), p(jsLat, 50)) },
        { measure: 'live: commit → WebSocket p99', subject: ms(p(wsLat, 99)), baseline: `${ms(p(jsLat, 99))} (JetStream)`, ratio: ratio(p(wsLat, 99), p(jsLat, 99)) },
      ],
    };
  } finally {
    unhook();
    await cleanup();
  }
}

if (require.main === module) runStandalone(run);
