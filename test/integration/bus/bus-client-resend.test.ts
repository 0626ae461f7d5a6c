/*
 * Core NATS hands a request to one member of a queue group and never redelivers it.
 * A replica that was SIGKILLed a moment ago (the server has not read its socket's close
 * yet), or one that froze (it stays in the group until the server's pings time out),
 * takes its share and never answers. The bus client sends the very same request again
 * after a while without a reply, so the other replica answers it, with the same
 * command id: carried out once.
 */
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { startNats, type TestNats } from '../../support/nats-server';
import { Subjects, type Actor } from '@sacp/events';
import { BusClient, NO_RETRY } from '@sacp/bus';

const actor: Actor = { kind: 'cli', id: 'alice', displayName: 'alice' };
const source = 'cli@test';
const QUEUE = 'orchestrator';
const subject = Subjects.command('agent.deploy', 'cli');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const accepted = (m: Msg) => {
  const body = m.json<{ commandId: string }>();
  return JSON.stringify({ ok: true, commandId: body.commandId, duplicate: false, result: { agentId: 'a1', name: 'coder-1' }, events: [] });
};

describe('BusClient: a request lost with a queue member is sent again', () => {
  let nats: TestNats;
  let cli: NatsConnection;

  beforeAll(async () => {
    nats = await startNats();
    cli = await nats.connectAs('cli');
  });
  afterAll(async () => {
    await cli?.close().catch(() => undefined);
    await nats?.stop();
  });

  /** A replica that takes every request and never answers: it died (or froze) with them. */
  async function doomedReplica(): Promise<{ nc: NatsConnection; taken: Msg[] }> {
    const nc = await nats.connectAs('orchestrator');
    const taken: Msg[] = [];
    nc.subscribe(subject, { queue: QUEUE, callback: (_e, m) => void taken.push(m) });
    await nc.flush();
    return { nc, taken };
  }

  test('the command NATS handed to a replica that died is sent again with the same id, and the other replica answers it', async () => {
    const doomed = await doomedReplica();
    const client = new BusClient(cli, { url: nats.url, requestTimeoutMs: 10_000, retry: NO_RETRY, resendAfterMs: 300, actor, source });
    const commandId = randomUUID();
    const t0 = Date.now();
    const sent = client.send('agent.deploy', { template: 'sim', name: 'coder-1' }, { commandId });
    // the only member took it; then it dies, and a live replica is in the group
    await until('the doomed replica to take the command', () => doomed.taken.length === 1);
    const live = await nats.connectAs('orchestrator');
    const seen: string[] = [];
    live.subscribe(subject, {
      queue: QUEUE,
      callback: (_e, m) => {
        seen.push(m.string());
        m.respond(accepted(m));
      },
    });
    await live.flush();
    await doomed.nc.close();

    const reply = await sent;
    assert.equal(reply.ok, true, JSON.stringify(reply));
    assert.equal(reply.commandId, commandId);
    assert.ok(Date.now() - t0 < 3000, `answered after ${Date.now() - t0} ms, not after the 10 s timeout`);
    assert.equal(seen.length, 1, 'the live replica answered the copy');
    assert.equal(seen[0], doomed.taken[0]!.string(), 'the copy is the very same envelope: the same command id');
    await live.close();
  }, 30_000);

  test('without resending, the same command waits out its whole timeout', async () => {
    const doomed = await doomedReplica();
    const client = new BusClient(cli, { url: nats.url, requestTimeoutMs: 1500, retry: NO_RETRY, resendAfterMs: 0, actor, source });
    const reply = await client.send('agent.deploy', { template: 'sim', name: 'coder-1' });
    assert.equal(reply.ok, false);
    if (!reply.ok) assert.equal(reply.error.code, 'BUS.TIMEOUT');
    assert.equal(doomed.taken.length, 1, 'sent once');
    await doomed.nc.close();
  }, 30_000);

  test('a slow answer to the first copy still counts, and copies stop once it came', async () => {
    const nc = await nats.connectAs('orchestrator');
    const taken: Msg[] = [];
    nc.subscribe(subject, {
      queue: QUEUE,
      callback: (_e, m) => {
        taken.push(m);
        if (taken.length === 1) setTimeout(() => m.respond(accepted(m)), 700);
      },
    });
    await nc.flush();
    const client = new BusClient(cli, { url: nats.url, requestTimeoutMs: 10_000, retry: NO_RETRY, resendAfterMs: 300, actor, source });
    const reply = await client.send('agent.deploy', { template: 'sim', name: 'coder-1' });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    const copies = taken.length;
    assert.ok(copies >= 2 && copies <= 4, `${copies} copies in 700 ms, one every 300 ms`);
    assert.equal(new Set(taken.map((m) => m.json<{ commandId: string }>().commandId)).size, 1, 'every copy carries the one command id');
    await sleep(800);
    assert.equal(taken.length, copies, 'no copy after the answer');
    await nc.close();
  }, 30_000);

  test('nothing answering at all is still reported at once', async () => {
    const client = new BusClient(cli, { url: nats.url, requestTimeoutMs: 10_000, retry: NO_RETRY, resendAfterMs: 300, actor, source });
    const t0 = Date.now();
    // a subject no member ever joined: the tests above closed theirs a moment ago, and the server may
    // still count one of them for a while (the very race the resend is for)
    const reply = await client.send('agent.stop', { agent: 'coder-1' });
    assert.equal(reply.ok, false);
    if (!reply.ok) assert.equal(reply.error.code, 'BUS.NO_RESPONDERS');
    assert.ok(Date.now() - t0 < 2000, `reported after ${Date.now() - t0} ms`);
  }, 30_000);
});
