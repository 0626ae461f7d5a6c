import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import type { NatsConnection } from '@nats-io/nats-core';
import type Docker from 'dockerode';
import type { ReportKind } from '@sacp/agent-protocol';
import { DockerDriver } from '@sacp/docker';
import { JsonLogger } from '@sacp/platform';
import { AgentChannel } from '../../../apps/orchestrator/src/agent-bus/agent-channel';
import { AgentCredentials } from '../../../apps/orchestrator/src/agent-bus/agent-credentials';
import { BusGateway, natsServerIdAt, PER_SOURCE_MAX } from '../../../apps/orchestrator/src/agent-bus/bus-gateway';
import { dockerTestContext, removeTestObjects, requireTestAgentImage, TEST_AGENT_IMAGE } from '../../support/docker';
import { startNats, type TestNats } from '../../support/nats-server';
import { freePort, waitFor } from '../../support/ports';

/**
 * The agent bus gateway on a Docker network with `Internal: true` (no route off the
 * machine): NATS listens on 127.0.0.1 only, and a sim agent on that network reaches it
 * through the gateway on the network's gateway address, logs in with its own credential
 * and says hello to an AgentChannel.
 */
describe('agent bus gateway on an internal Docker network (real Docker and NATS)', () => {
  const ctx = dockerTestContext();
  const docker = new DockerDriver(ctx.client);
  const log = new JsonLogger('bus-gateway-test', 'error');
  const network = ctx.name('internal');
  let nats: TestNats;
  let gatewayIp = '';
  let port = 0;
  const gateways: BusGateway[] = [];
  let orchestrator: NatsConnection;
  let channel: AgentChannel;

  beforeAll(async () => {
    await requireTestAgentImage(ctx.client.api);
    nats = await startNats();
    await ctx.client.api.createNetwork({ Name: network, Driver: 'bridge', Internal: true, Labels: ctx.labels });
    const gw = await docker.networkGateway(network);
    assert.ok(gw);
    gatewayIp = gw;
    port = await freePort();
    orchestrator = await nats.connectAs('orchestrator');
    channel = new AgentChannel(orchestrator, log);
    channel.onApplicationBootstrap();
  });
  afterAll(async () => {
    channel?.onApplicationShutdown();
    for (const g of gateways) g.close();
    await removeTestObjects(ctx);
    await orchestrator?.close().catch(() => undefined);
    await nats?.stop();
  });

  const gateway = () => {
    const g = new BusGateway({ port, target: { host: '127.0.0.1', port: nats.port }, maxConnections: 16 }, log);
    gateways.push(g);
    return g;
  };

  test('one replica serves the address; another finds it in use and leaves it', async () => {
    const first = gateway();
    await first.ensure(gatewayIp);
    assert.deepEqual(first.serving(), [gatewayIp]);
    const second = gateway();
    await second.ensure(gatewayIp);
    assert.deepEqual(second.serving(), []);
    assert.equal(first.url(gatewayIp), `nats://${gatewayIp}:${port}`);
    // what the second replica checks: the address leads to our NATS (its INFO names the same server)
    assert.equal(await natsServerIdAt(gatewayIp, port), orchestrator.info!.server_id);
  });

  test('one source address gets at most PER_SOURCE_MAX connections at once', async () => {
    const sockets: Socket[] = [];
    const greeted = (s: Socket) => new Promise<boolean>((resolve) => (s.once('data', () => resolve(true)), s.once('close', () => resolve(false))));
    try {
      const answers: boolean[] = [];
      for (let i = 0; i <= PER_SOURCE_MAX; i++) {
        const s = connect(port, gatewayIp);
        sockets.push(s);
        s.on('error', () => undefined);
        answers.push(await greeted(s));
      }
      assert.deepEqual(answers, [...Array<boolean>(PER_SOURCE_MAX).fill(true), false]);
    } finally {
      for (const s of sockets) s.destroy();
    }
    // let go of, they count no more
    await waitFor('a connection again', async () => natsServerIdAt(gatewayIp, port), 5000, 100);
  });

  test('a port held by something else is told apart from another replica', async () => {
    const stranger = createServer((s) => s.end('HELLO\r\n'));
    const strangerPort = await freePort();
    await new Promise<void>((r) => stranger.listen(strangerPort, gatewayIp, r));
    try {
      assert.equal(await natsServerIdAt(gatewayIp, strangerPort), null);
      const errors: string[] = [];
      const spy = Object.assign(Object.create(log) as JsonLogger, { error: (msg: string) => void errors.push(msg), info: () => undefined });
      const g = new BusGateway({ port: strangerPort, target: { host: '127.0.0.1', port: nats.port }, maxConnections: 4, serverId: () => orchestrator.info!.server_id }, spy);
      gateways.push(g);
      await g.ensure(gatewayIp);
      assert.deepEqual(g.serving(), []);
      assert.match(errors.join('\n'), /not this control plane's NATS.*SACP_AGENT_BUS_PORT/);
    } finally {
      stranger.close();
    }
  });

  const agentId = randomUUID();
  let container: Docker.Container;
  /** every report the channel received, and how the test wants each kind answered */
  const reports: Array<{ kind: ReportKind; body: Record<string, unknown> }> = [];
  const answers: Partial<Record<ReportKind, (body: Record<string, unknown>) => unknown>> = {};
  const reported = (kind: ReportKind, taskId: string) => reports.find((r) => r.kind === kind && (r.body.taskId ?? r.body.parentTaskId) === taskId);
  const offer = (sim: Record<string, unknown>) => ({
    taskId: randomUUID(),
    attempt: 1,
    title: 'sim',
    instructions: '',
    inputs: { sim },
    priority: 'normal' as const,
    deadline: null,
    timeoutMs: 30_000,
  });

  test('a sim agent on the internal network logs in through the gateway and says hello', async () => {
    const credential = await new AgentCredentials(nats.natsDir, nats.url, log).ensure(agentId);
    channel.onReport(async (id, kind, body) => {
      if (id !== agentId) return { ok: false, error: { code: 'TEST.WRONG_AGENT' } };
      reports.push({ kind, body: body });
      return (answers[kind]?.(body) ?? { ok: true }) as never;
    });
    container = await ctx.client.api.createContainer({
      name: ctx.name('agent'),
      Image: TEST_AGENT_IMAGE,
      Labels: ctx.labels,
      User: '1000',
      Env: [
        `SACP_AGENT_ID=${agentId}`,
        'SACP_AGENT_NAME=gateway-test',
        `SACP_BUS_URL=nats://${gatewayIp}:${port}`,
        `SACP_BUS_USER=${credential.user}`,
        `SACP_BUS_PASSWORD=${credential.password}`,
      ],
      HostConfig: { NetworkMode: network, Memory: 64 * 1024 * 1024, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges:true'] },
    });
    await container.start();
    await waitFor('the hello through the gateway', async () => reports.some((r) => r.kind === 'hello'), 30_000, 100);
    const logs = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
    assert.match(logs, /"bus connected"/);
    assert.doesNotMatch(logs, new RegExp(credential.password));
  });

  test('inputs.sim: fail reports the reason; subtasks are created before success', async () => {
    const failing = offer({ outcome: 'fail', workMs: 50, progressSteps: 0, reason: 'no luck' });
    assert.deepEqual(await channel.offer(agentId, failing), { accepted: true });
    await waitFor('the failure', async () => reported('task.fail', failing.taskId), 15_000, 50);
    assert.equal(reported('task.fail', failing.taskId)!.body.reason, 'no luck');

    const subtaskId = randomUUID();
    answers['subtask.create'] = () => ({ ok: true, taskId: subtaskId });
    const manager = offer({ workMs: 0, progressSteps: 1, subtasks: [{ member: 'worker-1', title: 'part one', instructions: 'do it' }] });
    assert.deepEqual(await channel.offer(agentId, manager), { accepted: true });
    await waitFor('the success', async () => reported('task.succeed', manager.taskId), 15_000, 50);
    const sub = reported('subtask.create', manager.taskId)!.body;
    assert.equal(sub.member, 'worker-1');
    assert.equal(sub.role, null);
    assert.equal(sub.title, 'part one');
    assert.deepEqual((reported('task.succeed', manager.taskId)!.body.result as { subtasks: string[] }).subtasks, [subtaskId]);
    assert.ok(reported('task.progress', manager.taskId));
  });

  test('inputs.sim: refuse; hang keeps it busy until cancelled; a stale attempt is dropped', async () => {
    const refused = await channel.offer(agentId, offer({ outcome: 'refuse' }));
    assert.equal(refused.accepted, false);
    const hanging = offer({ outcome: 'hang', workMs: 0, progressSteps: 0 });
    assert.deepEqual(await channel.offer(agentId, hanging), { accepted: true });
    const busy = await channel.offer(agentId, offer({}));
    assert.equal(busy.accepted, false);
    assert.match((busy as { reason: string }).reason, /busy with task/);
    assert.deepEqual(await channel.cancel(agentId, { taskId: hanging.taskId, attempt: 1, reason: 'enough' }), { ok: true });

    answers['task.progress'] = () => ({ ok: false, error: { code: 'TASK.STALE_ATTEMPT', message: 'attempt 2 runs now' } });
    const stale = offer({ workMs: 100, progressSteps: 1 });
    assert.deepEqual(await channel.offer(agentId, stale), { accepted: true });
    await waitFor('the refused progress', async () => reported('task.progress', stale.taskId), 15_000, 50);
    // dropped: free for the next task (fresh task ids: a refused offer is answered the same when asked again), and never reported as done
    answers['task.progress'] = undefined;
    const next = await waitFor(
      'free again',
      async () => {
        const o = offer({ workMs: 0, progressSteps: 0 });
        return (await channel.offer(agentId, o)).accepted ? o : null;
      },
      5000,
      50,
    );
    await waitFor('the next success', async () => reported('task.succeed', next.taskId), 15_000, 50);
    assert.equal(reported('task.succeed', stale.taskId), undefined);
  });

  test('inputs.sim: crash ends the process with exit code 1', async () => {
    assert.deepEqual(await channel.offer(agentId, offer({ outcome: 'crash', workMs: 0, progressSteps: 0 })), { accepted: true });
    const state = await waitFor(
      'the crash',
      async () => {
        const s = (await container.inspect()).State;
        return s.Running ? null : s;
      },
      15_000,
      100,
    );
    assert.equal(state.ExitCode, 1);
  });
});
