import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { START } from '@sacp/event-store';
import { TestApi } from '../../support/api';
import { TestControlPlane } from '../../support/control-plane';
import { metadata } from '../../support/event-store';
import { LiveClient } from '../../support/live-client';
import { waitFor } from '../../support/ports';
import type { ServiceProcess } from '../../support/service-process';

const BUFFER_BYTES = 512 * 1024;
const FLOOD = 1000;

describe('WS /api/v1/live against the running services (api, orchestrator with the relay, NATS, Postgres)', () => {
  const cp = new TestControlPlane();
  let api: ServiceProcess;
  let testApi: TestApi;
  let token = '';
  const clients: LiveClient[] = [];
  const open = async (o: Parameters<typeof LiveClient.connect>[1] = {}) => {
    const c = await LiveClient.connect(api.port, { token, ...o });
    clients.push(c);
    return c;
  };
  const newToken = async (name: string, role = 'viewer') => {
    const r = await cp.command<{ token?: string; tokenId: string }>('token.create', { name, role });
    if (!r.ok) throw new Error(`token.create refused: ${r.error.message}`);
    return { token: r.result.token!, tokenId: r.result.tokenId };
  };
  /** Appends `n` events of type live.test to a few streams, concurrently (transactions commit out of order). */
  const appendEvents = async (tag: string, n: number, bytes = 0) => {
    const store = await cp.eventStore();
    const pad = bytes ? 'x'.repeat(bytes) : undefined;
    let i = 0;
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        const streamId = `live-${tag}-${w}`;
        while (i < n) {
          const k = i++;
          await store.append(
            [{ streamId, expectedVersion: await store.streamVersion(streamId), events: [{ type: 'live.test', schemaVersion: 1, data: { tag, k, ...(pad ? { pad } : {}) } }] }],
            metadata(),
          );
        }
      }),
    );
  };
  const metric = async (line: RegExp) => {
    const text = await (await fetch(`http://127.0.0.1:${api.port}/metrics`)).text();
    const m = text.split('\n').find((l) => line.test(l));
    return m ? Number(m.split(' ').pop()) : 0;
  };
  const rssBytes = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${api.pid}/status`, 'utf8'))![1]) * 1024;

  beforeAll(async () => {
    await cp.start();
    testApi = await new TestApi(cp, { API_LIVE_BUFFER_MAX_MESSAGES: '500', API_LIVE_BUFFER_MAX_BYTES: String(BUFFER_BYTES), API_LIVE_RESYNC_GRACE_MS: '60000' }).start();
    api = testApi.replicas[0]!;
    token = (await newToken('live-viewer')).token;
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await testApi?.stop();
    await cp.stop();
  });

  test('an upgrade without a working credential is refused with 401; a cross-site cookie upgrade with 403', async () => {
    await assert.rejects(LiveClient.connect(api.port), (e: { status: number; body: string }) => e.status === 401 && /AUTH_REQUIRED/.test(e.body));
    await assert.rejects(LiveClient.connect(api.port, { token: 'sacp_notarealtoken' }), (e: { status: number }) => e.status === 401);
    await assert.rejects(
      LiveClient.connect(api.port, { headers: { cookie: 'sacp_session=abc', origin: 'https://evil.example' } }),
      (e: { status: number; body: string }) => e.status === 403 && /ORIGIN_FORBIDDEN/.test(e.body),
    );
    await assert.rejects(LiveClient.connect(api.port, { token, from: 'abc' }), (e: { status: number }) => e.status === 400);
  });

  test('a dashboard session: the cookie works from a page of this host, and signing out closes the socket (4401)', async () => {
    const session = await testApi.session('live-alice', 'viewer');
    const origin = `http://127.0.0.1:${api.port}`;
    const c = await open({ token: '', headers: { cookie: session.cookie, origin } });
    await c.next((m) => m.type === 'hello');
    await assert.rejects(LiveClient.connect(api.port, { headers: { cookie: session.cookie, origin: 'http://127.0.0.1:1' } }), (e: { status: number }) => e.status === 403);
    const out = await testApi.request('POST', '/api/v1/auth/sign-out', { session });
    assert.equal(out.status, 204);
    const closed = await c.closed;
    assert.equal(closed.code, 4401);
  }, 30_000);

  test('a client disconnected while 100 events happen gets all 100 after reconnecting from its last position: in order, once', async () => {
    const first = await open();
    first.subscribe(['events']);
    await appendEvents('warm', 5);
    await first.until(() => first.events('live.test').length === 5);
    const last = first.events().at(-1)!.globalPosition;
    first.close();
    await first.closed;

    await appendEvents('gap', 100);
    const again = await open({ from: last });
    assert.deepEqual(await again.next((m) => m.type === 'hello'), { type: 'hello', position: last });
    again.subscribe(['events']);
    // more events while it catches up: the switch from the store to the live feed
    const during = appendEvents('during', 30);
    await during;
    await again.until(() => again.events('live.test').length >= 130, 30_000);
    await new Promise((r) => setTimeout(r, 1500)); // anything late would be a duplicate

    const got = again.events('live.test').map((e) => e.eventId);
    const store = await cp.eventStore();
    const all = (await store.readAll(START, 100_000)).filter((e) => e.type === 'live.test');
    const expected = all.slice(all.findIndex((e) => e.globalPosition === last) + 1).map((e) => e.eventId);
    assert.equal(expected.length, 130);
    assert.deepEqual(got, expected, 'the 100 missed and the 30 during catch-up, in commit order, each once');
    assert.equal(new Set(got).size, got.length);
  }, 90_000);

  test('bad frames get an error message, the connection and the server go on; an oversized frame closes only that socket', async () => {
    const c = await open();
    c.send('not json');
    assert.equal((await c.next((m) => m.type === 'error')).code, 'FRAME_INVALID');
    c.send({ type: 'subscribe', topics: ['nope'] });
    const e = await c.next((m) => m.type === 'error' && m.code === 'SUBSCRIBE_INVALID');
    assert.match(String(e.message), /topics/);
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await c.next((m) => m.type === 'error' && /binary/.test(String(m.message)));
    c.subscribe(['events']);
    await appendEvents('after-bad', 1);
    await c.next((m) => m.type === 'event');
    c.send('x'.repeat(64 * 1024));
    assert.equal((await c.closed).code, 1009);
    assert.equal((await fetch(`http://127.0.0.1:${api.port}/health/live`)).status, 200);
  }, 60_000);

  test('a revoked token: its socket is closed (4401) within about a second', async () => {
    const t = await newToken('live-revoked');
    const c = await open({ token: t.token });
    c.subscribe(['events']);
    await c.next((m) => m.type === 'hello');
    const r = await cp.command('token.revoke', { tokenId: t.tokenId });
    assert.equal(r.ok, true);
    const revokedAt = Date.now();
    const closed = await c.closed;
    assert.equal(closed.code, 4401);
    assert.match(closed.reason, /revoked or expired/);
    assert.ok(Date.now() - revokedAt < 2500, `closed after ${Date.now() - revokedAt} ms`);
  }, 30_000);

  test('a client that never reads is cut off with a resync; the server holds at most its buffer limit for it', async () => {
    const c = await open();
    c.subscribe(['events']);
    await c.next((m) => m.type === 'hello');
    await new Promise((r) => setTimeout(r, 300));
    (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const resyncs = await metric(/^sacp_live_resyncs_total\{reason="slow-consumer"\}/);
    const rssBefore = rssBytes();
    // 1000 events of 64 KiB: 62.5 MiB, far past the socket buffers and the 512 KiB budget
    const writing = appendEvents('flood', FLOOD, 64 * 1024);
    await waitFor('the slow client to be told to resync', async () => (await metric(/^sacp_live_resyncs_total\{reason="slow-consumer"\}/)) > resyncs, 60_000, 200);
    await writing;
    await new Promise((r) => setTimeout(r, 1500)); // the relay publishes the rest: nothing more is kept for this client
    const buffered = await metric(/^sacp_live_buffered_bytes /);
    const rssGrowth = rssBytes() - rssBefore;
    process.stderr.write(`slow client: buffered ${buffered} bytes, api RSS +${(rssGrowth / 2 ** 20).toFixed(1)} MiB while ${FLOOD / 16} MiB of events went by\n`);
    assert.ok(buffered <= BUFFER_BYTES + 80 * 1024, `buffered ${buffered}`);
    assert.ok(rssGrowth < (FLOOD / 16 / 2) * 2 ** 20, `api RSS grew ${rssGrowth} bytes`);

    // it reads again: what it was sent, then the resync, then the close; from there it resumes
    (c.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await c.closed;
    assert.equal(closed.code, 4008);
    const resync = c.messages.at(-1)!;
    assert.equal(resync.type, 'resync');
    assert.equal(resync.reason, 'slow-consumer');
    const received = c.events('live.test').length;
    assert.ok(received < FLOOD);
    const again = await open({ from: String(resync.position) });
    again.subscribe(['events']);
    await again.until(() => again.events('live.test').length === FLOOD - received, 60_000);
    assert.deepEqual(
      [...c.events('live.test'), ...again.events('live.test')].map((e) => (e.data as { k: number }).k).sort((a, b) => a - b),
      Array.from({ length: FLOOD }, (_, k) => k),
    );
  }, 180_000);
});
