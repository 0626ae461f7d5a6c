import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { Controller, Module, UseFilters, type INestMicroservice, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/nats-core';
import { PayloadLimitError, requestJson, RequestTooLargeError } from '@sacp/bus';
import { BusExceptionFilter, BusServer, MALFORMED_JSON, ReadableBodyPipe } from '@sacp/bus/nest';
import { startNats, type TestNats } from '../../support/nats-server';

/** Log lines of the servers, by level, for assertions. */
function recordingLogger(lines: string[]): LoggerService {
  const keep = (level: string) => (message: unknown) => void lines.push(`${level} ${String(message)}`);
  return { log: () => undefined, error: keep('error'), warn: keep('warn'), debug: () => undefined, verbose: () => undefined };
}

/** One server, as a service runs it: Nest's NATS transport with the bus's serializer, deserializer and exception filter. */
async function serve(nats: TestNats, logged: string[], calls: string[] = []): Promise<INestMicroservice> {
  @Controller()
  @UseFilters(BusExceptionFilter)
  class Handlers {
    @MessagePattern('sacp.qry.agent.status')
    status(@Payload(ReadableBodyPipe) body: unknown) {
      return { ok: true, body: body === MALFORMED_JSON ? 'malformed' : body };
    }

    @MessagePattern('sacp.qry.agent.history')
    history(): never {
      throw new Error('boom');
    }

    @MessagePattern('sacp.qry.agent.logs')
    logs() {
      return { ok: true, blob: 'z'.repeat(3 * 1024 * 1024) };
    }

    @MessagePattern('sacp.qry.audit.list')
    audit() {
      const o: Record<string, unknown> = {};
      o.self = o;
      return o;
    }

    @MessagePattern('sacp.qry.template.list')
    async slow(@Payload() body: { ms: number }) {
      await new Promise((r) => setTimeout(r, body.ms));
      return { ok: true, waited: body.ms };
    }

    /** a wildcard for the sender's kind: one subscription, the actual subject from the context */
    @MessagePattern('sacp.cmd.agent.stop.*')
    stop(@Payload() body: { n: number }, @Ctx() ctx: NatsContext) {
      calls.push(ctx.getSubject());
      return { ok: true, subject: ctx.getSubject(), n: body.n };
    }
  }
  @Module({ controllers: [Handlers] })
  class TestModule {}
  // the bus is authenticated: the server answers as the orchestrator would, on subjects its credential may serve
  const app = await NestFactory.createMicroservice(TestModule, {
    strategy: new BusServer({
      url: nats.url,
      name: 'test-server',
      credentials: nats.credential('orchestrator'),
      queue: 'q',
      requestLimit: () => ({ bytes: 1000, name: 'TEST_LIMIT' }),
    }),
    logger: recordingLogger(logged),
  });
  await app.listen();
  return app;
}

describe('the bus server (Nest NATS transport): every request gets a reply and the process goes on (real NATS)', () => {
  let nats: TestNats;
  let server: INestMicroservice;
  let client: NatsConnection;
  const logged: string[] = [];
  beforeAll(async () => {
    nats = await startNats();
    server = await serve(nats, logged);
    // and the client asks as the CLI
    client = await nats.connectAs('cli', { reconnect: false });
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
    const binary = (await client.request('sacp.qry.agent.status', new Uint8Array([0xff, 0xfe, 0x00, 0x01]), { timeout: 5000 })).json<R>();
    assert.equal(binary.body, 'malformed');
    const big = await requestJson<R>(client, 'sacp.qry.agent.status', { pad: 'p'.repeat(2000) }, 5000);
    assert.equal(big.error?.code, 'QUERY.TOO_LARGE');
    assert.match(big.error.message, /limit is 1000 bytes \(TEST_LIMIT\)/);
    assert.deepEqual((await requestJson<R>(client, 'sacp.qry.agent.status', { a: 1 }, 5000)).body, { a: 1 }, 'still answering');
    assert.ok(logged.some((m) => /over the limit/.test(m)));
    assert.ok(new PayloadLimitError('REPLY.TOO_LARGE', 'x', { subject: 's', size: 1, limit: 0, limitName: 'n' }) instanceof Error);
  });

  test('the wire is plain JSON both ways: no Nest envelope in the reply', async () => {
    const raw = (await client.request('sacp.qry.agent.status', '{"a":[1,2]}', { timeout: 5000 })).string();
    assert.equal(raw, '{"ok":true,"body":{"a":[1,2]}}');
    const empty = (await client.request('sacp.qry.agent.status', '', { timeout: 5000 })).string();
    assert.equal(empty, '{"ok":true}');
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

describe('the bus server: wildcard subjects, a queue group of replicas, and a close that answers what it took (real NATS)', () => {
  let nats: TestNats;
  let client: NatsConnection;
  beforeAll(async () => {
    nats = await startNats();
    client = await nats.connectAs('cli', { reconnect: false });
  });
  afterAll(async () => {
    await client?.close();
    await nats?.stop();
  });

  test('a pattern with a wildcard for the kind is subscribed as given; with two replicas each request is handled exactly once', async () => {
    const calls: string[] = [];
    const replicas = [await serve(nats, [], calls), await serve(nats, [], calls)];
    try {
      const replies = await Promise.all(
        Array.from({ length: 40 }, (_, n) => requestJson<{ ok: boolean; subject: string; n: number }>(client, 'sacp.cmd.agent.stop.cli', { n }, 5000)),
      );
      assert.deepEqual(
        replies.map((r) => r.n),
        Array.from({ length: 40 }, (_, n) => n),
      );
      assert.ok(replies.every((r) => r.ok && r.subject === 'sacp.cmd.agent.stop.cli'));
      assert.equal(calls.length, 40, 'each request reached one replica');
    } finally {
      for (const r of replicas) await r.close();
    }
  });

  test('a server closing stops taking requests but answers the ones it took', async () => {
    const app = await serve(nats, []);
    const inFlight = requestJson<{ ok: boolean; waited: number }>(client, 'sacp.qry.template.list', { ms: 500 }, 5000);
    await new Promise((r) => setTimeout(r, 100));
    const closed = app.close();
    assert.deepEqual(await inFlight, { ok: true, waited: 500 });
    await closed;
    await assert.rejects(requestJson(client, 'sacp.qry.template.list', { ms: 1 }, 2000), /nothing answers|no responders/i);
  });

  test('a server whose credential the server refuses fails to start, naming where the credential came from', async () => {
    @Module({})
    class Empty {}
    const app = await NestFactory.createMicroservice(Empty, {
      strategy: new BusServer({
        url: nats.url,
        name: 'wrong',
        credentials: { user: 'orchestrator', password: 'wrong' },
        credentialsFrom: 'NATS_CREDENTIALS_FILE=/x.json',
        queue: 'q',
      }),
      logger: false,
    });
    await assert.rejects(app.listen(), /Authorization Violation: check NATS_CREDENTIALS_FILE=\/x\.json/);
    await app.close().catch(() => undefined);
  });
});
