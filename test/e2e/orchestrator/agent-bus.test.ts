import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import type { NatsConnection } from '@nats-io/nats-core';
import { agentBusUser, AgentSubjects, type OfferReply } from '@sacp/agent-protocol';
import { connectBus, credentialPath } from '@sacp/bus';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

interface LogRecord {
  msg?: string;
  agentId?: string;
  kind?: string;
  taskId?: string;
}

/**
 * The agent protocol end to end: a sim-agent container deployed through the orchestrator
 * gets its own NATS credential, reaches NATS (which listens on 127.0.0.1 only) through
 * the agent bus gateway on its network's gateway address, says hello, and answers an
 * offer; its reports reach the orchestrator's AgentChannel. Removed, its credential is refused.
 */
describe('agent bus: per-agent credentials and the gateway (real Docker, NATS, Postgres)', () => {
  const cp = new TestControlPlane();
  let orchestratorBus: NatsConnection;
  let agentId = '';
  let containerId = '';
  let env: Record<string, string> = {};

  const reports = (): LogRecord[] =>
    cp.orchestrators
      .flatMap((o) => o.logs.split('\n'))
      .filter((l) => l.includes('"agent report"'))
      .map((l) => JSON.parse(l) as LogRecord);

  beforeAll(async () => {
    await cp.start();
    orchestratorBus = await cp.connectAs('orchestrator');
  });
  afterAll(async () => {
    await orchestratorBus?.close().catch(() => undefined);
    await cp.stop();
  });

  test('the container gets its own bus credential in its environment, and nowhere else', async () => {
    agentId = await cp.deploy('sim', 'talker');
    const view = await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running');
    containerId = view.containerId!;
    const info = (await cp.docker['client'].api.getContainer(containerId).inspect()) as unknown as { Config: { Env: string[]; Labels: Record<string, string> } };
    env = Object.fromEntries(info.Config.Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    const bridge = (await cp.docker['client'].api.getNetwork('bridge').inspect()) as { IPAM: { Config: { Gateway?: string }[] } };
    const gateway = bridge.IPAM.Config.find((c) => c.Gateway)!.Gateway!;
    assert.equal(env.SACP_BUS_URL, `nats://${gateway}:${cp.agentBusPort}`);
    assert.equal(env.SACP_BUS_USER, agentBusUser(agentId));
    assert.equal(env.SACP_AGENT_ID, agentId);
    const file = cp.nats.credential(agentBusUser(agentId));
    assert.equal(env.SACP_BUS_PASSWORD, file.password);
    assert.equal(file.role, 'agent');
    // never in labels, events or logs
    const password = env.SACP_BUS_PASSWORD;
    assert.ok(!JSON.stringify(info.Config.Labels).includes(password));
    const { rows } = await cp.pool.query<{ n: string }>('select count(*) as n from events where data::text like $1 or metadata::text like $1', [`%${password}%`]);
    assert.equal(Number(rows[0]!.n), 0);
    assert.ok(!cp.orchestrators.some((o) => o.logs.includes(password)));
  });

  test('the agent connects through the gateway and says hello to the AgentChannel', async () => {
    await waitFor('the hello report', async () => reports().some((r) => r.agentId === agentId && r.kind === 'hello'), 30_000, 200);
    const logs = (await cp.query<{ lines: { line: string }[] }>('agent.logs', { agent: 'talker', lines: 50 })) as { ok: boolean; result: { lines: { line: string }[] } };
    assert.ok(logs.ok);
    assert.ok(logs.result.lines.some((l) => l.line.includes('"bus connected"')));
    assert.ok(!logs.result.lines.some((l) => l.line.includes(env.SACP_BUS_PASSWORD!)));
  });

  test('an offer is accepted, and its progress and success reach the AgentChannel', async () => {
    // a real task for the agent (reports about a task the store does not know are refused, and the agent drops that work)
    const created = await cp.command<{ taskId: string }>('task.create', {
      agent: 'talker',
      title: 'simulate',
      instructions: 'work a little, then succeed',
      inputs: { sim: { outcome: 'succeed', workMs: 400, progressSteps: 2 } },
      timeoutMs: 30_000,
    });
    assert.ok(created.ok, JSON.stringify(created));
    const taskId = created.result.taskId;
    const offer = {
      taskId,
      attempt: 1,
      title: 'simulate',
      instructions: 'work a little, then succeed',
      inputs: { sim: { outcome: 'succeed', workMs: 400, progressSteps: 2 } },
      priority: 'normal',
      deadline: null,
      timeoutMs: 30_000,
    };
    await waitFor('the success report', async () => reports().some((r) => r.taskId === taskId && r.kind === 'task.succeed'), 30_000, 200);
    const kinds = reports()
      .filter((r) => r.taskId === taskId)
      .map((r) => r.kind);
    assert.deepEqual(kinds, ['task.progress', 'task.progress', 'task.succeed']);
    // asked again (a lost reply), the same answer; a refusal when asked to refuse
    const again = await orchestratorBus.request(AgentSubjects.offer(agentId), JSON.stringify(offer), { timeout: 5000 });
    assert.deepEqual(again.json<OfferReply>(), { accepted: true });
    const refuse = { ...offer, taskId: randomUUID(), inputs: { sim: { outcome: 'refuse' } } };
    const refused = (await orchestratorBus.request(AgentSubjects.offer(agentId), JSON.stringify(refuse), { timeout: 5000 })).json<OfferReply>();
    assert.equal(refused.accepted, false);
  });

  test('after an orchestrator restart the gateway is back, and the agent reconnects and says hello again', async () => {
    const hellos = () => reports().filter((r) => r.agentId === agentId && r.kind === 'hello').length;
    await cp.orchestrators[0]!.kill('SIGKILL');
    cp.orchestrators.shift();
    await cp.addOrchestrator();
    // the new process's own log: its gateway listens again, and the agent's client, reconnected, says hello
    await waitFor('a hello to the new orchestrator', async () => hellos() > 0, 60_000, 200);
  });

  test('after the agent is removed, its credential is gone and NATS refuses it', async () => {
    const credential = cp.nats.credential(agentBusUser(agentId));
    await cp.command('agent.remove', { agent: 'talker' });
    await cp.waitForAgent(agentId, (a) => a.state.observed === 'removed', 'removed', 90_000);
    assert.equal(existsSync(credentialPath(cp.nats.natsDir, credential.user)), false);
    await waitFor(
      'the credential refused',
      async () => (await connectBus({ url: cp.nats.url, name: 'old-agent', reconnect: false, credentials: credential }).catch(() => null)) === null,
      10_000,
      100,
    );
  });
});

describe('agent bus off: no SACP_NATS_DIR (real Docker, NATS, Postgres)', () => {
  const cp = new TestControlPlane({ env: { SACP_NATS_DIR: '' } });
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => cp.stop());

  test('the orchestrator says so once at start, and agents run without bus variables', async () => {
    const logs = () => cp.orchestrators[0]!.logs;
    assert.match(logs(), /agent bus off: SACP_NATS_DIR is not set/);
    const id = await cp.deploy('sim', 'quiet');
    const view = await cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running');
    const info = (await cp.docker['client'].api.getContainer(view.containerId!).inspect()) as unknown as { Config: { Env: string[] } };
    assert.deepEqual(
      info.Config.Env.filter((e) => e.startsWith('SACP_BUS_')),
      [],
    );
    assert.ok(info.Config.Env.includes(`SACP_AGENT_ID=${id}`));
    assert.equal(logs().split('agent bus off').length - 1, 1);
    assert.equal(readdirSync(join(cp.nats.natsDir, 'credentials')).filter((f) => f.startsWith('agent-')).length, 0);
  });
});
