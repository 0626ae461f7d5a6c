import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import type { NatsConnection } from '@nats-io/nats-core';
import { requestJson, RequestTooLargeError, MALFORMED_JSON, PayloadLimitError, serveRequests } from '@sacp/bus';
import { startNats, type TestNats } from '../../support/nats-server';

describe('request server: every request gets a reply and the process goes on (real NATS)', () => {
  let nats: TestNats;
  let server: NatsConnection;
  let client: NatsConnection;
  const logged: string[] = [];
  beforeAll(async () => {
    nats = await startNats();
    // the bus is authenticated: the server answers as the orchestrator would, on subjects
    // its credential may serve, and the client asks as the CLI
    server = await nats.connectAs('orchestrator', { reconnect: false });
    client = await nats.connectAs('cli', { reconnect: false });
    serveRequests(server, {
      queue: 'q',
      handlers: {
        'sacp.qry.agent.status': async (body) => ({ ok: true, body: body === MALFORMED_JSON ? 'malformed' : body }),
        'sacp.qry.agent.history': async () => {
          throw new Error('boom');
        },
        'sacp.qry.agent.logs': async () => ({ ok: true, blob: 'z'.repeat(3 * 1024 * 1024) }),
        'sacp.qry.audit.list': async () => {
          const o: Record<string, unknown> = {};
          o.self = o;
          return o;
        },
      },
      requestLimit: () => ({ bytes: 1000, name: 'TEST_LIMIT' }),
      onError: (_subject, err) => ({ ok: false, error: { code: (err as { code?: string }).code ?? 'INTERNAL', message: (err as Error).message } }),
      log: (msg) => logged.push(msg),
    });
    await server.flush();
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
    await nats?.stop();
  });

  type R = { ok: boolean; body?: unknown; error?: { code: string; message: string } };
  test('a handler that throws, a reply over max_payload, a reply that cannot be encoded, malformed JSON, an oversized request: error replies', async () => {
    assert.equal((await requestJson<R>(client, 'sacp.qry.agent.history', {}, 5000)).error?.code, 'INTERNAL');
    const huge = await requestJson<R>(client, 'sacp.qry.agent.logs', {}, 5000);
    assert.equal(huge.error?.code, 'REPLY.TOO_LARGE');
    assert.match(huge.error.message, /the reply would be \d+ bytes; the limit is \d+ bytes \(NATS max_payload\)/);
    assert.equal((await requestJson<R>(client, 'sacp.qry.audit.list', {}, 5000)).error?.code, 'INTERNAL');
    const bad = (await client.request('sacp.qry.agent.status', '{nope', { timeout: 5000 })).json<R>();
    assert.equal(bad.body, 'malformed');
    const big = await requestJson<R>(client, 'sacp.qry.agent.status', { pad: 'p'.repeat(2000) }, 5000);
    assert.equal(big.error?.code, 'REQUEST.TOO_LARGE');
    assert.match(big.error.message, /limit is 1000 bytes \(TEST_LIMIT\)/);
    assert.deepEqual((await requestJson<R>(client, 'sacp.qry.agent.status', { a: 1 }, 5000)).body, { a: 1 }, 'still answering');
    assert.ok(logged.some((m) => /over the limit/.test(m)));
    assert.ok(new PayloadLimitError('REPLY.TOO_LARGE', 'x', { subject: 's', size: 1, limit: 0, limitName: 'n' }) instanceof Error);
  });

  test('the client refuses a request over max_payload before sending it, naming the limit', async () => {
    await assert.rejects(requestJson(client, 'sacp.qry.agent.status', { pad: 'p'.repeat(2 * 1024 * 1024) }, 5000), (err: unknown) => {
      assert.ok(err instanceof RequestTooLargeError);
      assert.equal(err.code, 'REQUEST.TOO_LARGE');
      assert.match(err.message, /NATS accepts at most \d+ bytes per message \(the server's max_payload\)/);
      return true;
    });
  });
});
