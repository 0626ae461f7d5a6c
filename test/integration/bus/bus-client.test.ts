/*
 * The one bus client against a private nats-server: a command sent while nothing
 * answers, or while NATS itself is down, keeps its command id across retries, says
 * once that it is waiting, and either goes through when the other side is back or
 * fails with words saying nothing was done. Without retries (the CLI) a failure is
 * reported at once, in the bus's own words; a "try again" answer (the monitor's
 * policy) is asked again with the same id.
 */
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { startNats, type TestNats } from '../../support/nats-server';
import { Subjects, type WireError, type Actor, type CommandType } from '@sacp/events';
import { BusClient, NO_RETRY, retryFor } from '@sacp/bus';

const actor: Actor = { kind: 'discord', id: '1189403234567890999', displayName: 'Alice' };
const source = 'discord:guild-1/channel-1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Resolves when the connection reports a status of this type. */
function nextStatus(nc: NatsConnection, type: string, timeoutMs = 10_000): Promise<void> {
  const it = nc.status() as AsyncIterable<{ type: string }> & { stop(): void };
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      it.stop();
      reject(new Error(`no "${type}" status within ${timeoutMs} ms`));
    }, timeoutMs);
    void (async () => {
      for await (const s of it) {
        if (s.type === type) {
          clearTimeout(timer);
          it.stop();
          resolve();
          return;
        }
      }
    })();
  });
}

interface SeenCommand {
  type: string;
  version: number;
  commandId: string;
  actor: Actor;
  source: string;
  reason?: string;
  payload: unknown;
}

/** An orchestrator stand-in on one command subject; `ignore` requests go unanswered (a timeout for the sender). */
function respond(nc: NatsConnection, type: CommandType, ignore = 0): { seen: SeenCommand[]; sub: Subscription } {
  const seen: SeenCommand[] = [];
  const sub = nc.subscribe(Subjects.command(type, 'discord'), {
    callback: (err, msg) => {
      if (err) return;
      const body = msg.json<SeenCommand>();
      seen.push(body);
      if (seen.length <= ignore) return;
      msg.respond(JSON.stringify({ ok: true, commandId: body.commandId, duplicate: false, result: { name: 'coder-1', changed: true }, events: [] }));
    },
  });
  return { seen, sub };
}

describe('BusClient against a real nats-server', () => {
  let nats: TestNats;
  let nc: NatsConnection;
  let orchestrator: NatsConnection;

  beforeAll(async () => {
    nats = await startNats();
    nc = await nats.connectAs('discord-gateway');
    orchestrator = await nats.connectAs('orchestrator');
  });

  afterAll(async () => {
    await nc?.close().catch(() => undefined);
    await orchestrator?.close().catch(() => undefined);
    await nats?.stop();
  });

  test('no orchestrator yet: the command is retried with the same id and goes through once one answers', async () => {
    const client = new BusClient(nc, { url: nats.url, requestTimeoutMs: 500, retry: retryFor(15_000) });
    const commandId = randomUUID();
    const waiting: WireError[] = [];
    const sent = client.send('agent.deploy', { template: 'grok4', name: 'coder-1' }, { commandId, actor, source, reason: 'sprint 12', onWaiting: (e) => void waiting.push(e) });

    await until('the user to be told the bot is waiting', () => waiting.length > 0);
    await sleep(800); // a few more attempts find no responder
    // the orchestrator comes up, and the first request it sees goes unanswered (a timeout for the bot)
    const { seen, sub } = respond(orchestrator, 'agent.deploy', 1);
    await orchestrator.flush();

    const reply = await sent;
    sub.unsubscribe();
    assert.deepEqual(reply, { ok: true, commandId, duplicate: false, result: { name: 'coder-1', changed: true }, events: [] });
    assert.equal(waiting.length, 1, 'told once, however many retries');
    assert.equal(waiting[0]!.code, 'BUS.NO_RESPONDERS');
    assert.ok(seen.length >= 2, `the orchestrator saw ${seen.length} attempt(s)`);
    for (const s of seen) assert.equal(s.commandId, commandId, 'every attempt carries the same command id');
    assert.deepEqual(seen[0], { type: 'agent.deploy', version: 1, commandId, actor, source, reason: 'sprint 12', payload: { template: 'grok4', name: 'coder-1' } });
    assert.deepEqual(seen[1], seen[0], 'a retry is the same command, not a new one');
  }, 30_000);

  test('nobody answers within the retry window: a failure that says nothing was done', async () => {
    const client = new BusClient(nc, { url: nats.url, requestTimeoutMs: 1000, retry: retryFor(1500) });
    const commandId = randomUUID();
    const waiting: WireError[] = [];
    const t0 = Date.now();
    const reply = await client.send('agent.stop', { agent: 'coder-1' }, { commandId, actor, source, onWaiting: (e) => void waiting.push(e) });
    const elapsed = Date.now() - t0;

    assert.equal(reply.ok, false);
    if (reply.ok) return;
    assert.equal(reply.commandId, commandId);
    assert.equal(reply.duplicate, false);
    assert.equal(reply.error.code, 'BUS.NO_RESPONDERS');
    assert.match(reply.error.message, /no orchestrator is answering/);
    assert.match(reply.error.message, /nothing was done/);
    assert.ok(Number(reply.error.details?.attempts) >= 3, `attempts: ${String(reply.error.details?.attempts)}`);
    assert.equal(waiting.length, 1);
    assert.ok(elapsed >= 1400 && elapsed < 4000, `gave up after ${elapsed} ms for a 1500 ms window`);
  }, 30_000);

  test("without retries (the CLI): nothing answering is reported at once, in the bus's words, naming the subject", async () => {
    const client = new BusClient(nc, { url: nats.url, requestTimeoutMs: 5000, retry: NO_RETRY, actor, source });
    const t0 = Date.now();
    const reply = await client.send('agent.stop', { agent: 'coder-1' });
    assert.equal(reply.ok, false);
    if (reply.ok) return;
    assert.equal(reply.error.code, 'BUS.NO_RESPONDERS');
    assert.match(reply.error.message, /^nothing answers on sacp\.cmd\.agent\.stop\.discord: is the orchestrator running\?/);
    assert.equal(reply.error.details, undefined, 'one attempt, nothing more to say');
    assert.ok(Date.now() - t0 < 2000, `answered after ${Date.now() - t0} ms`);
  }, 30_000);

  test('an answer that says "try again" (STORE.UNAVAILABLE) is asked again with the same id until one stands; a refusal stands at once', async () => {
    const seen: SeenCommand[] = [];
    const sub = orchestrator.subscribe(Subjects.command('agent.start', 'discord'), {
      callback: (err, msg) => {
        if (err) return;
        const body = msg.json<SeenCommand>();
        seen.push(body);
        const payload = body.payload as { agent: string };
        if (payload.agent === 'ghost')
          return void msg.respond(JSON.stringify({ ok: false, commandId: body.commandId, duplicate: false, error: { code: 'AGENT.NOT_FOUND', message: 'no agent ghost' } }));
        if (seen.filter((s) => s.commandId === body.commandId).length <= 2)
          return void msg.respond(JSON.stringify({ ok: false, commandId: body.commandId, duplicate: false, error: { code: 'STORE.UNAVAILABLE', message: 'Postgres is away' } }));
        msg.respond(
          JSON.stringify({ ok: true, commandId: body.commandId, duplicate: false, result: { agentId: 'a1', name: payload.agent, changed: true, desired: 'running' }, events: [] }),
        );
      },
    });
    await orchestrator.flush();
    const client = new BusClient(nc, {
      url: nats.url,
      requestTimeoutMs: 2000,
      retry: retryFor(10_000, { initialDelayMs: 50, retryReplyCodes: ['STORE.UNAVAILABLE'] }),
      actor,
      source,
    });
    const commandId = randomUUID();
    const reply = await client.send('agent.start', { agent: 'coder-1' }, { commandId });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    if (reply.ok) assert.equal(reply.result.desired, 'running');
    assert.deepEqual(
      seen.map((s) => s.commandId),
      [commandId, commandId, commandId],
    );
    const refused = await client.send('agent.start', { agent: 'ghost' });
    assert.equal(refused.ok, false);
    if (!refused.ok) assert.equal(refused.error.code, 'AGENT.NOT_FOUND');
    assert.equal(seen.length, 4, 'a refusal is not asked again');
    sub.unsubscribe();
  }, 30_000);

  test('queries: the reply typed by the query; a connection opened on first use is closed by the client', async () => {
    const sub = orchestrator.subscribe(Subjects.query('agent.status'), {
      callback: (_err, msg) => void msg.respond(JSON.stringify({ ok: true, result: [{ id: 'a1', name: 'coder-1' }], nextCursor: 'next' })),
    });
    await orchestrator.flush();
    let opened: NatsConnection | null = null;
    const client = new BusClient(async () => (opened = await nats.connectAs('cli', { reconnect: false })), { url: nats.url, requestTimeoutMs: 5000 });
    assert.equal(opened, null, 'nothing is opened before the first request');
    const [a, b] = await Promise.all([client.query('agent.status', {}), client.query('agent.status', { agent: 'coder-1' })]);
    assert.equal(a.ok && a.result[0]?.name, 'coder-1');
    assert.equal(b.ok && b.nextCursor, 'next');
    const nc1 = await client.connection();
    assert.equal(await client.connection(), nc1, 'one connection however many ask');
    await client.close();
    assert.equal(nc1.isClosed(), true);
    sub.unsubscribe();
  }, 30_000);

  test('NATS down: each attempt fails at once, not after the request timeout; after NATS is back a command goes through', async () => {
    // a 10 s request timeout: a request sent into a dead connection would wait all of it
    const client = new BusClient(nc, { url: nats.url, requestTimeoutMs: 10_000, retry: retryFor(1500) });
    // made at start-up like the bot's own, while NATS is still up
    const patient = new BusClient(nc, { url: nats.url, requestTimeoutMs: 10_000, retry: retryFor(20_000) });
    const disconnected = nextStatus(nc, 'disconnect');
    await nats.kill();
    await disconnected;

    const waiting: { e: WireError; after: number }[] = [];
    const t0 = Date.now();
    const down = await client.send(
      'agent.restart',
      { agent: 'coder-1' },
      { commandId: randomUUID(), actor, source, onWaiting: (e) => void waiting.push({ e, after: Date.now() - t0 }) },
    );
    const elapsed = Date.now() - t0;
    assert.equal(down.ok, false);
    if (down.ok) return;
    assert.equal(down.error.code, 'BUS.UNAVAILABLE');
    assert.match(down.error.message, /the message bus is down/);
    assert.match(down.error.message, /nothing was done/);
    assert.equal(waiting.length, 1);
    assert.equal(waiting[0]!.e.code, 'BUS.UNAVAILABLE');
    assert.ok(waiting[0]!.after < 500, `the first attempt failed after ${waiting[0]!.after} ms`);
    assert.ok(elapsed >= 1400 && elapsed < 4000, `gave up after ${elapsed} ms, not the 10 s request timeout`);

    // the same while NATS comes back: the retried command reaches the orchestrator
    const { seen, sub } = respond(orchestrator, 'agent.restart');
    const commandId = randomUUID();
    const told: WireError[] = [];
    const sent = patient.send('agent.restart', { agent: 'coder-1' }, { commandId, actor, source, onWaiting: (e) => void told.push(e) });
    await until('the user to be told the bot is waiting', () => told.length > 0);
    await sleep(500);
    const back = Date.now();
    await nats.start();

    const reply = await sent;
    sub.unsubscribe();
    assert.equal(reply.ok, true, JSON.stringify(reply));
    assert.equal(reply.commandId, commandId);
    assert.equal(told.length, 1);
    assert.equal(told[0]!.code, 'BUS.UNAVAILABLE');
    assert.ok(seen.length >= 1);
    for (const s of seen) assert.equal(s.commandId, commandId);
    assert.ok(Date.now() - back < 10_000, `went through ${Date.now() - back} ms after NATS was back`);
  }, 60_000);
});
