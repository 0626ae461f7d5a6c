import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import type { NatsConnection } from '@nats-io/nats-core';
import { DockerDriver } from '@sacp/docker';
import { JsonLogger } from '@sacp/platform';
import { AgentChannel } from '../../../apps/orchestrator/src/agent-bus/agent-channel';
import { AgentCredentials } from '../../../apps/orchestrator/src/agent-bus/agent-credentials';
import { BusGateway } from '../../../apps/orchestrator/src/agent-bus/bus-gateway';
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
    assert.ok(gw?.gatewayIp, JSON.stringify(gw));
    assert.equal(gw.internal, true);
    gatewayIp = gw.gatewayIp;
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
  });

  test('a sim agent on the internal network logs in through the gateway and says hello', async () => {
    const agentId = randomUUID();
    const credential = await new AgentCredentials(nats.natsDir, nats.url, log).ensure(agentId);
    const hellos: string[] = [];
    channel.onReport(async (id, kind) => {
      hellos.push(`${id} ${kind}`);
      return { ok: true } as never;
    });
    const container = await ctx.client.api.createContainer({
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
    await waitFor('the hello through the gateway', async () => hellos.includes(`${agentId} hello`), 30_000, 100);
    const logs = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
    assert.match(logs, /"bus connected"/);
    assert.doesNotMatch(logs, new RegExp(credential.password));
  });
});
