import assert from 'node:assert/strict';
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { ensureEventStream, requestJson, BusError } from '@sacp/bus';
import { EVENT_STREAM, Subjects } from '@sacp/events';
import { BusProbe } from '../../support/bus-probe';
import { startNats, type TestNats } from '../../support/nats-server';

/**
 * An external read-only credential: it reads events through its own durable
 * consumer (created, fetched, acked over the JetStream API with its inbox prefix)
 * and can neither publish, touch another's consumer, nor read another's replies.
 */
describe('read-only credentials and private inboxes (real nats-server)', () => {
  let nats: TestNats;
  let orchestrator: NatsConnection;
  let reader: NatsConnection;

  beforeAll(async () => {
    nats = await startNats();
    orchestrator = await nats.connectAs('orchestrator');
    await ensureEventStream(orchestrator);
    const js = jetstream(orchestrator);
    for (const n of [1, 2, 3]) await js.publish(Subjects.event('agent.deployed'), JSON.stringify({ n }), { msgID: `e${n}` });
    await nats.addReader('grafana');
    reader = await nats.connectAs('grafana');
  });
  afterAll(async () => {
    await reader?.close().catch(() => undefined);
    await orchestrator?.close().catch(() => undefined);
    await nats?.stop();
  });

  test('a reader creates its own durable consumer, fetches events and acks them', async () => {
    const jsm = await jetstreamManager(reader);
    await jsm.consumers.add(EVENT_STREAM, { durable_name: 'grafana', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    const consumer = await jetstream(reader).consumers.get(EVENT_STREAM, 'grafana');
    const seen: number[] = [];
    for await (const m of await consumer.fetch({ max_messages: 3, expires: 3000 })) {
      seen.push(m.json<{ n: number }>().n);
      assert.equal(await m.ackAck(), true);
    }
    assert.deepEqual(seen, [1, 2, 3]);
    const info = await jsm.consumers.info(EVENT_STREAM, 'grafana');
    assert.equal(info.ack_floor.stream_seq, 3);
    assert.equal(info.num_ack_pending, 0);
  });

  test("a reader may not create a consumer under another name (it could steal or ack the bot's alerts)", async () => {
    const jsm = await jetstreamManager(reader, { checkAPI: false });
    await assert.rejects(jsm.consumers.add(EVENT_STREAM, { durable_name: 'discord-alerts', ack_policy: AckPolicy.Explicit }), /Permissions Violation/);
  });

  test('a reader cannot send a command, ask a query or publish into sacp.evt.>', async () => {
    for (const subject of [Subjects.command('agent.stop', 'cli'), Subjects.command('agent.stop', 'system'), Subjects.query('agent.status')]) {
      const err = await requestJson(reader, subject, {}, 2000).catch((e: unknown) => e);
      assert.ok(err instanceof BusError && err.code === 'BUS.FORBIDDEN', `${subject}: ${String(err)}`);
    }
    await assert.rejects(jetstream(reader).publish(Subjects.event('agent.deployed'), '{}'), /Permissions Violation/);
    const probe = BusProbe.watch(reader);
    assert.equal(await probe.canPublish(Subjects.event('alert.raised')), false);
  });

  test("no credential can read another's replies: requests answer under the sender's own inbox only", async () => {
    const cli = await nats.connectAs('cli');
    const monitor = await nats.connectAs('monitor');
    try {
      const answering = orchestrator.subscribe(Subjects.query('agent.status'), { callback: (_e, m) => void m.respond(JSON.stringify({ ok: true, result: 'private' })) });
      const eavesdrop = BusProbe.watch(monitor);
      for (const subject of ['_INBOX.>', '_INBOX.cli.>', '>']) assert.equal(await eavesdrop.canSubscribe(subject), false, subject);
      const readerProbe = BusProbe.watch(reader);
      assert.equal(await readerProbe.canSubscribe('_INBOX.cli.>'), false);
      const reply = await requestJson<{ result: string }>(cli, Subjects.query('agent.status'), {}, 3000);
      assert.equal(reply.result, 'private');
      answering.unsubscribe();
    } finally {
      await cli.close();
      await monitor.close();
    }
  });
});
