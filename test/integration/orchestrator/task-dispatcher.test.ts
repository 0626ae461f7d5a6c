import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { AgentClient, AgentSubjects, agentInboxPrefix, type TaskCancel, type TaskOffer } from '@sacp/agent-protocol';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';
import { createTask, deployMuteTeam, muteConfigDir, taskEvents, waitForTask } from '../../support/tasks';

/**
 * The dispatcher against real NATS and Postgres, with real containers for the members
 * (they only sleep) and the agents' side played here by libs/agent-protocol's client on
 * each member's own credential: offers, acceptance, reports, stale attempts, duplicates,
 * refusals and cancels, decided by the test.
 */
describe('the task dispatcher with the agent protocol client in-process as the agents', () => {
  const configs = muteConfigDir();
  const cp = new TestControlPlane({ configDir: configs.dir, env: { SACP_TASK_ACCEPT_TIMEOUT_MS: '4000', SACP_TASK_OFFER_RETRY_MS: '500' } });
  const agents: Record<
    string,
    { id: string; client: AgentClient; offers: TaskOffer[]; cancels: TaskCancel[]; answer: (o: TaskOffer) => { accepted: true } | { accepted: false; reason: string } }
  > = {};
  let raw: NatsConnection;

  beforeAll(async () => {
    await cp.start();
    const ids = await deployMuteTeam(cp, 'pair', ['a', 'b']);
    for (const [name, id] of Object.entries(ids)) {
      const cred = cp.nats.credential(`agent-${id}`);
      const client = await AgentClient.connectWith({ url: cp.nats.url, user: cred.user, password: cred.password, agentId: id }, { requestTimeoutMs: 2000 });
      const agent = {
        id,
        client,
        offers: [] as TaskOffer[],
        cancels: [] as TaskCancel[],
        answer: (_o: TaskOffer) => ({ accepted: true }) as const as { accepted: true } | { accepted: false; reason: string },
      };
      client.onOffer((o) => (agent.offers.push(o), agent.answer(o)));
      client.onCancel((c) => void agent.cancels.push(c));
      agents[name] = agent;
    }
    const a = cp.nats.credential(`agent-${agents['pair-a']!.id}`);
    raw = await connect({ servers: cp.nats.url, user: a.user, pass: a.password, inboxPrefix: agentInboxPrefix(agents['pair-a']!.id) });
  }, 180_000);
  afterAll(async () => {
    for (const a of Object.values(agents)) await a.client.close();
    await raw?.close();
    await cp.stop();
    configs.remove();
  });

  const holder = (taskId: string) => Object.values(agents).find((a) => a.offers.some((o) => o.taskId === taskId));

  test('an offer reaches an idle member, which accepts, reports progress and a result; two open tasks go to two members', async () => {
    const first = await createTask(cp, { title: 'first', team: 'pair', inputs: { n: 1 } });
    const second = await createTask(cp, { title: 'second', team: 'pair', inputs: { n: 2 } });
    await waitForTask(cp, first, (t) => t.status === 'running', 'running');
    await waitForTask(cp, second, (t) => t.status === 'running', 'running');
    const h1 = holder(first)!;
    const h2 = holder(second)!;
    assert.notEqual(h1.id, h2.id, 'each member got one (idle first)');
    const offer = h1.offers.find((o) => o.taskId === first)!;
    assert.deepEqual([offer.attempt, offer.title, offer.inputs], [1, 'first', { n: 1 }]);
    assert.deepEqual(await h1.client.progress({ taskId: first, attempt: 1, percent: 50, message: 'half way' }), { ok: true });
    await waitForTask(cp, first, (t) => t.progress?.message === 'half way', 'progress shown');
    assert.deepEqual(await h1.client.succeed({ taskId: first, attempt: 1, result: { answer: 42 } }), { ok: true });
    assert.deepEqual(await h2.client.succeed({ taskId: second, attempt: 1, result: {} }), { ok: true });
    const t = await waitForTask(cp, first, (x) => x.status === 'succeeded', 'succeeded');
    assert.deepEqual(t.result, { answer: 42 });
  });

  test('reports about an attempt that is not the agent’s current one are answered TASK.STALE_ATTEMPT', async () => {
    const taskId = await createTask(cp, { title: 'stale', team: 'pair' });
    await waitForTask(cp, taskId, (t) => t.status === 'running', 'running');
    const h = holder(taskId)!;
    const other = Object.values(agents).find((a) => a !== h)!;
    const wrongAgent = await other.client.succeed({ taskId, attempt: 1, result: {} });
    assert.ok(!wrongAgent.ok && wrongAgent.error.code === 'TASK.STALE_ATTEMPT', JSON.stringify(wrongAgent));
    const wrongAttempt = await h.client.progress({ taskId, attempt: 2, message: 'x' });
    assert.ok(!wrongAttempt.ok && wrongAttempt.error.code === 'TASK.STALE_ATTEMPT', JSON.stringify(wrongAttempt));
    assert.deepEqual(await h.client.succeed({ taskId, attempt: 1, result: {} }), { ok: true });
    const late = await h.client.progress({ taskId, attempt: 1, message: 'after the end' });
    assert.ok(!late.ok && late.error.code === 'TASK.STALE_ATTEMPT', JSON.stringify(late));
  });

  test('the same report sent twice (same reportId) is recorded once; an invalid one is PROTOCOL.INVALID', async () => {
    const taskId = await createTask(cp, { title: 'dup', agent: 'pair-a' });
    await waitForTask(cp, taskId, (t) => t.status === 'running', 'running');
    const body = { reportId: randomUUID(), taskId, attempt: 1, percent: 10, message: 'once' };
    const ask = async (subject: string, b: unknown) =>
      JSON.parse((await raw.request(subject, JSON.stringify(b), { timeout: 5000 })).string()) as { ok: boolean; error?: { code: string } };
    const subject = AgentSubjects.report(agents['pair-a']!.id, 'task.progress');
    assert.deepEqual(await ask(subject, body), { ok: true });
    assert.deepEqual(await ask(subject, body), { ok: true });
    const result = { reportId: randomUUID(), taskId, attempt: 1, result: { done: true } };
    const succeed = AgentSubjects.report(agents['pair-a']!.id, 'task.succeed');
    assert.deepEqual(await ask(succeed, result), { ok: true });
    assert.deepEqual(await ask(succeed, result), { ok: true }, 'a result sent again after a lost reply is answered ok');
    const events = await taskEvents(cp, taskId);
    assert.equal(events.filter((e) => e.type === 'task.progressed').length, 1);
    assert.equal(events.filter((e) => e.type === 'task.succeeded').length, 1);
    const invalid = await ask(subject, { taskId, attempt: 'one' });
    assert.equal(invalid.error?.code, 'PROTOCOL.INVALID');
  });

  test('a refusal ends the attempt and the retry goes to the other member', async () => {
    // each member refuses a first attempt, and accepts any later one
    for (const a of Object.values(agents)) a.answer = (o) => (o.attempt === 1 ? { accepted: false, reason: 'not today' } : { accepted: true });
    try {
      const taskId = await createTask(cp, { title: 'refused', team: 'pair', maxAttempts: 3 });
      const t = await waitForTask(cp, taskId, (x) => x.status === 'running', 'running on the retry');
      assert.equal(t.attempt, 2);
      assert.equal(t.attempts[0]!.outcome, 'refused');
      assert.match(t.attempts[0]!.reason ?? '', /refused it: not today/);
      assert.notEqual(t.attempts[1]!.agent.agentId, t.attempts[0]!.agent.agentId, 'not the one that refused');
      await agents[t.agent!.name]!.client.succeed({ taskId, attempt: t.attempt, result: {} });
    } finally {
      for (const a of Object.values(agents)) a.answer = () => ({ accepted: true });
    }
  });

  test('cancel: the agent holding the task is told, and its later reports are stale', async () => {
    const taskId = await createTask(cp, { title: 'cancel me', agent: 'pair-b' });
    await waitForTask(cp, taskId, (t) => t.status === 'running', 'running');
    const r = await cp.command('task.cancel', { taskId }, { reason: 'changed my mind' });
    assert.ok(r.ok, JSON.stringify(r));
    const b = agents['pair-b']!;
    await waitFor('the cancel heard', async () => b.cancels.find((c) => c.taskId === taskId));
    assert.equal(b.cancels.find((c) => c.taskId === taskId)!.reason, 'changed my mind');
    const late = await b.client.succeed({ taskId, attempt: 1, result: {} });
    assert.ok(!late.ok && late.error.code === 'TASK.STALE_ATTEMPT');
  });

  test('an offer nobody accepts in time ends the attempt (accept timeout), recorded with its due time', async () => {
    const a = agents['pair-a']!;
    await a.client.close();
    try {
      const taskId = await createTask(cp, { title: 'nobody home', agent: 'pair-a', maxAttempts: 1 });
      const t = await waitForTask(cp, taskId, (x) => x.status === 'failed', 'failed', 20_000);
      assert.equal(t.attempts[0]!.outcome, 'timed_out');
      assert.match(t.failureReason ?? '', /^attempt 1 of 1: pair-a did not accept it in time/);
    } finally {
      const cred = cp.nats.credential(`agent-${a.id}`);
      a.client = await AgentClient.connectWith({ url: cp.nats.url, user: cred.user, password: cred.password, agentId: a.id });
      a.client.onOffer((o) => (a.offers.push(o), a.answer(o)));
    }
  });
});
