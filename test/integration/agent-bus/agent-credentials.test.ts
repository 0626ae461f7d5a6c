import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import type { NatsConnection } from '@nats-io/nats-core';
import { AgentClient, agentBusUser, agentInboxPrefix, AgentSubjects, type ReportBodies, type ReportKind } from '@sacp/agent-protocol';
import { connectBus, credentialPath, type BusCredential } from '@sacp/bus';
import { JsonLogger } from '@sacp/platform';
import { AgentChannel, AgentChannelError } from '../../../apps/orchestrator/src/agent-bus/agent-channel';
import { AgentCredentials } from '../../../apps/orchestrator/src/agent-bus/agent-credentials';
import { BusProbe } from '../../support/bus-probe';
import { startNats, type TestNats } from '../../support/nats-server';
import { waitFor } from '../../support/ports';

/**
 * Per-agent NATS credentials against a real nats-server running the config `sacp bus init`
 * generates: the orchestrator's AgentCredentials adds them and reloads the server; each
 * agent reaches only its own subjects and inbox; the AgentChannel reaches the agent's client.
 */
describe('agent bus credentials and the agent channel (real nats-server)', () => {
  const log = new JsonLogger('agent-bus-test', 'error');
  const A = randomUUID();
  const B = randomUUID();
  let nats: TestNats;
  let credentials: AgentCredentials;
  let credA: BusCredential;
  let credB: BusCredential;
  let orchestrator: NatsConnection;
  let channel: AgentChannel;
  const conns: NatsConnection[] = [];
  const clients: AgentClient[] = [];
  const asAgent = async (c: BusCredential, agentId: string) => {
    const nc = await connectBus({ url: nats.url, name: c.user, reconnect: false, credentials: c });
    conns.push(nc);
    assert.equal(agentInboxPrefix(agentId), `_INBOX.${c.user}`);
    return nc;
  };
  const client = async (c: BusCredential, agentId: string) => {
    const cl = await AgentClient.connectWith({ url: nats.url, user: c.user, password: c.password, agentId }, { minBackoffMs: 50, maxBackoffMs: 200, requestTimeoutMs: 1000 });
    clients.push(cl);
    return cl;
  };
  const offer = (taskId = randomUUID(), attempt = 1) => ({
    taskId,
    attempt,
    title: 'count to three',
    instructions: '',
    inputs: {},
    priority: 'normal' as const,
    deadline: null,
    timeoutMs: 10_000,
  });

  beforeAll(async () => {
    nats = await startNats();
    credentials = new AgentCredentials(nats.natsDir, nats.url, log);
    credA = await credentials.ensure(A);
    credB = await credentials.ensure(B);
    orchestrator = await nats.connectAs('orchestrator');
    conns.push(orchestrator);
    channel = new AgentChannel(orchestrator, log);
  });
  afterAll(async () => {
    channel?.onApplicationShutdown();
    for (const c of clients) await c.close().catch(() => undefined);
    for (const nc of conns) await nc.close().catch(() => undefined);
    await nats?.stop();
  });

  test('each agent has its own credential file, mode 600, kept when asked again', async () => {
    assert.equal(credA.user, agentBusUser(A));
    assert.equal(credA.role, 'agent');
    assert.equal(statSync(credentialPath(nats.natsDir, credA.user)).mode & 0o777, 0o600);
    assert.notEqual(credA.password, credB.password);
    assert.equal((await credentials.ensure(A)).password, credA.password);
  });

  test("agent A may use its own subjects and inbox, and nothing of agent B's, of the commands or of the events", async () => {
    const a = BusProbe.watch(await asAgent(credA, A));
    assert.equal(await a.canSubscribe(AgentSubjects.offer(A)), true);
    assert.equal(await a.canSubscribe(`${agentInboxPrefix(A)}.x`), true);
    assert.equal(await a.canPublish(AgentSubjects.report(A, 'hello')), true);
    // agent B's subjects, replies and the rest of the bus
    assert.equal(await a.canSubscribe(AgentSubjects.offer(B)), false);
    assert.equal(await a.canSubscribe(AgentSubjects.inbound(B)), false);
    assert.equal(await a.canSubscribe(AgentSubjects.report(B, 'task.succeed')), false);
    assert.equal(await a.canSubscribe(`${agentInboxPrefix(B)}.>`), false);
    assert.equal(await a.canSubscribe('_INBOX.>'), false);
    assert.equal(await a.canSubscribe('_INBOX.orchestrator.>'), false);
    assert.equal(await a.canSubscribe(AgentSubjects.allOutbound), false);
    assert.equal(await a.canSubscribe('sacp.evt.>'), false);
    assert.equal(await a.canSubscribe('sacp.cmd.>'), false);
    assert.equal(await a.canPublish(AgentSubjects.report(B, 'task.succeed')), false);
    assert.equal(await a.canPublish(AgentSubjects.offer(B)), false);
    assert.equal(await a.canPublish(AgentSubjects.offer(A)), false);
    assert.equal(await a.canPublish('sacp.cmd.agent.stop.cli'), false);
    assert.equal(await a.canPublish('sacp.cmd.agent.stop.system'), false);
    assert.equal(await a.canPublish('sacp.evt.agent.deployed'), false);
    assert.equal(await a.canPublish('sacp.qry.agent.status'), false);
    assert.equal(await a.canPublish('$JS.API.STREAM.INFO.SACP_EVENTS'), false);
  });

  test('the orchestrator may offer to any agent and read every report', async () => {
    const o = BusProbe.watch(await nats.connectAs('orchestrator'));
    assert.equal(await o.canPublish(AgentSubjects.offer(A)), true);
    assert.equal(await o.canSubscribe(AgentSubjects.allOutbound), true);
    assert.equal(await o.canPublish(AgentSubjects.report(A, 'hello')), false);
    await o.nc.close();
  });

  test('a report sent while no orchestrator listens is retried until one answers', async () => {
    const a = await client(credA, A);
    const hello = a.hello({ busy: false });
    await new Promise((r) => setTimeout(r, 600));
    const seen: string[] = [];
    channel.onReport(async (agentId, kind, _body) => {
      seen.push(`${agentId} ${kind}`);
      return { ok: true };
    });
    channel.onApplicationBootstrap();
    assert.deepEqual(await hello, { ok: true });
    assert.deepEqual(seen, [`${A} hello`]);
  });

  test("the channel's offer reaches the agent's client; its reports reach the handler; a repeated offer gets the same answer", async () => {
    const a = await client(credA, A);
    let offers = 0;
    a.onOffer(() => (offers++, { accepted: true }));
    const reports: Array<{ agentId: string; kind: ReportKind; body: ReportBodies[ReportKind] }> = [];
    channel.onReport(async (agentId, kind, body) => {
      reports.push({ agentId, kind, body });
      // checking the kind narrows the body
      if (kind === 'task.succeed') assert.equal(typeof body.result, 'object');
      return { ok: true };
    });
    const o = offer();
    await waitFor('the offer subscription', async () => (await channel.offer(A, o).catch(() => null)) !== null, 5000, 50);
    assert.deepEqual(await channel.offer(A, o), { accepted: true });
    assert.equal(offers, 1);
    assert.deepEqual(await a.progress({ taskId: o.taskId, attempt: 1, percent: 50, message: 'half way' }), { ok: true });
    assert.deepEqual(await a.succeed({ taskId: o.taskId, attempt: 1, result: { answer: 3 } }), { ok: true });
    assert.deepEqual(
      reports.map((r) => [r.agentId, r.kind]),
      [
        [A, 'task.progress'],
        [A, 'task.succeed'],
      ],
    );
    assert.deepEqual((reports[1]!.body as ReportBodies['task.succeed']).result, { answer: 3 });
    // a cancel reaches it too
    let cancelled = '';
    a.onCancel((c) => void (cancelled = c.taskId));
    // its subscription reaches the server a moment after onCancel returns
    const cancel = { taskId: o.taskId, attempt: 1, reason: 'changed my mind' };
    assert.deepEqual(await waitFor('the cancel answered', async () => channel.cancel(A, cancel).catch(() => null), 5000, 50), { ok: true });
    assert.equal(cancelled, o.taskId);
  });

  test('an invalid report is answered PROTOCOL.INVALID without reaching the handler', async () => {
    let called = 0;
    channel.onReport(async () => (called++, { ok: true }));
    const nc = await asAgent(credA, A);
    const reply = await nc.request(AgentSubjects.report(A, 'task.succeed'), JSON.stringify({ taskId: 'nope' }), { timeout: 2000 });
    const body = reply.json<{ ok: boolean; error: { code: string; message: string } }>();
    assert.equal(body.ok, false);
    assert.equal(body.error.code, 'PROTOCOL.INVALID');
    assert.match(body.error.message, /reportId/);
    const notJson = (await nc.request(AgentSubjects.report(A, 'hello'), 'not json', { timeout: 2000 })).json<{ error: { code: string } }>();
    assert.equal(notJson.error.code, 'PROTOCOL.INVALID');
    assert.equal(called, 0);
  });

  test('an offer to an agent that is not connected fails with AGENT.UNREACHABLE', async () => {
    const err = await channel.offer(B, offer()).catch((e: unknown) => e);
    assert.ok(err instanceof AgentChannelError, String(err));
    assert.equal(err.code, 'AGENT.UNREACHABLE');
  });

  test('after a NATS restart the client is back: offers reach it again, and a report sent during the outage is answered', async () => {
    const a = await client(credA, A);
    let reconnected = 0;
    a.onReconnect(() => reconnected++);
    a.onOffer(() => ({ accepted: true }));
    channel.onReport(async () => ({ ok: true }));
    await nats.kill();
    const during = a.progress({ taskId: randomUUID(), attempt: 1, message: 'sent while NATS was away' });
    await new Promise((r) => setTimeout(r, 500));
    await nats.start();
    assert.deepEqual(await during, { ok: true });
    await waitFor('the reconnect', async () => reconnected > 0, 10_000, 50);
    const o = offer();
    assert.deepEqual(await waitFor('an offer after the restart', async () => channel.offer(A, o).catch(() => null), 10_000, 100), { accepted: true });
  });

  test('a removed agent’s credential is refused, and its open connection is closed', async () => {
    const b = await asAgent(credB, B);
    await credentials.remove(B);
    await waitFor('B refused', async () => (await connectBus({ url: nats.url, name: 'b', reconnect: false, credentials: credB }).catch(() => null)) === null, 5000, 50);
    await waitFor('B disconnected', async () => b.isClosed(), 5000, 50);
    // A is untouched
    const a = await asAgent(credA, A);
    assert.equal(a.isClosed(), false);
  });
});
