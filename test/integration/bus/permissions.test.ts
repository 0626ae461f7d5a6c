import assert from 'node:assert/strict';
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectBus, BusError } from '@sacp/bus';
import { BusProbe } from '../../support/bus-probe';
import { startNats, type TestNats } from '../../support/nats-server';

type Row = [credential: string, op: 'pub' | 'sub', subject: string, allowed: boolean];

/**
 * Who may publish and subscribe to what, asked of a real nats-server running the
 * config `sacp bus init` generates. Each row is one question; a "no" must be the
 * server's Permissions Violation, not a silence.
 */
const TABLE: Row[] = [
  ['orchestrator', 'sub', 'sacp.cmd.>', true],
  ['orchestrator', 'sub', 'sacp.qry.agent.status', true],
  ['orchestrator', 'sub', 'sacp.qry.metrics.agents', false],
  ['orchestrator', 'pub', 'sacp.evt.agent.deployed', true],
  ['orchestrator', 'pub', 'sacp.internal.appended', true],
  ['orchestrator', 'pub', 'sacp.cmd.agent.stop.system', false],
  ['orchestrator', 'pub', 'sacp.metrics.host', false],
  ['orchestrator', 'sub', '_INBOX.cli.>', false],
  // answers survive a config reload (which forgets the replies a connection owes)
  ['orchestrator', 'pub', '_INBOX.cli.x', true],
  ['monitor', 'pub', '_INBOX.api.x', true],
  ['cli', 'pub', '_INBOX.monitor.x', false],
  ['orchestrator', 'pub', 'sacp.agent.0b1c5e9e-3f6a-4f7e-9d2a-1c2b3d4e5f60.in.task.offer', true],
  ['orchestrator', 'sub', 'sacp.agent.*.out.>', true],
  ['monitor', 'pub', 'sacp.agent.0b1c5e9e-3f6a-4f7e-9d2a-1c2b3d4e5f60.in.task.offer', false],
  ['api', 'sub', 'sacp.agent.*.out.>', false],
  ['monitor', 'pub', 'sacp.cmd.agent.schedule_restart.system', true],
  ['monitor', 'pub', 'sacp.cmd.alert.raise.system', true],
  ['monitor', 'pub', 'sacp.cmd.agent.stop.system', true],
  ['monitor', 'pub', 'sacp.cmd.agent.deploy.system', false],
  ['monitor', 'pub', 'sacp.cmd.agent.remove.system', false],
  ['monitor', 'pub', 'sacp.cmd.secret.set.system', false],
  ['monitor', 'pub', 'sacp.cmd.agent.stop.cli', false],
  ['monitor', 'pub', 'sacp.evt.agent.deployed', false],
  ['monitor', 'pub', 'sacp.metrics.host', true],
  ['monitor', 'sub', 'sacp.qry.metrics.agents', true],
  ['monitor', 'sub', 'sacp.qry.logs.search', true],
  ['monitor', 'pub', 'sacp.agentlogs.0b1c5e9e-3f6a-4f7e-9d2a-1c2b3d4e5f60', true],
  ['orchestrator', 'sub', 'sacp.qry.logs.search', false],
  ['orchestrator', 'pub', 'sacp.agentlogs.0b1c5e9e-3f6a-4f7e-9d2a-1c2b3d4e5f60', false],
  ['cli', 'sub', 'sacp.agentlogs.>', true],
  ['api', 'sub', 'sacp.agentlogs.>', true],
  ['cli', 'pub', 'sacp.agentlogs.0b1c5e9e-3f6a-4f7e-9d2a-1c2b3d4e5f60', false],
  ['monitor', 'sub', 'sacp.qry.agent.status', false],
  ['monitor', 'sub', 'sacp.cmd.>', false],
  ['discord-gateway', 'pub', 'sacp.cmd.agent.deploy.discord', true],
  ['discord-gateway', 'pub', 'sacp.cmd.access.refuse.discord', true],
  ['discord-gateway', 'pub', 'sacp.cmd.agent.stop.system', false],
  ['discord-gateway', 'pub', 'sacp.cmd.alert.raise.discord', false],
  ['discord-gateway', 'pub', 'sacp.cmd.secret.set.discord', false],
  ['discord-gateway', 'pub', 'sacp.cmd.agent.deploy.cli', false],
  ['discord-gateway', 'pub', 'sacp.qry.agent.status', true],
  ['discord-gateway', 'pub', 'sacp.qry.user.list', false],
  ['discord-gateway', 'pub', 'sacp.qry.token.list', false],
  ['discord-gateway', 'pub', 'sacp.cmd.user.add.discord', false],
  ['discord-gateway', 'pub', 'sacp.evt.alert.raised', false],
  ['discord-gateway', 'sub', 'sacp.evt.>', true],
  ['discord-gateway', 'sub', 'sacp.cmd.>', false],
  ['discord-gateway', 'sub', 'sacp.qry.agent.status', false],
  ['api', 'pub', 'sacp.cmd.agent.deploy.api', true],
  ['api', 'pub', 'sacp.cmd.token.create.api', true],
  ['api', 'pub', 'sacp.qry.token.list', true],
  ['api', 'pub', 'sacp.cmd.agent.deploy.discord', false],
  ['api', 'pub', 'sacp.cmd.agent.schedule_restart.api', false],
  ['cli', 'pub', 'sacp.cmd.secret.set.cli', true],
  ['cli', 'pub', 'sacp.cmd.user.add.cli', true],
  ['cli', 'pub', 'sacp.qry.user.list', true],
  ['cli', 'pub', 'sacp.cmd.agent.deploy.cli', true],
  ['cli', 'pub', 'sacp.cmd.agent.stop.system', false],
  ['cli', 'pub', 'sacp.cmd.agent.stop.discord', false],
  ['cli', 'pub', 'sacp.cmd.access.refuse.cli', false],
  ['cli', 'pub', 'sacp.cmd.agent.stop', false],
  ['cli', 'pub', 'sacp.evt.agent.deployed', false],
  ['cli', 'pub', 'sacp.internal.appended', false],
  ['cli', 'pub', 'sacp.metrics.host', false],
  ['cli', 'pub', 'sacp.logs.agent1.session1.stop', true],
  ['cli', 'pub', '$JS.API.STREAM.DELETE.SACP_EVENTS', false],
  ['cli', 'sub', 'sacp.cmd.secret.set.cli', false],
  ['cli', 'sub', 'sacp.qry.agent.status', false],
  ['cli', 'sub', 'sacp.logs.>', true],
  ['cli', 'sub', '_INBOX.cli.x', true],
  ['cli', 'sub', '_INBOX.monitor.>', false],
  ['cli', 'sub', '_INBOX.>', false],
  ['grafana', 'sub', 'sacp.evt.>', true],
  ['grafana', 'sub', 'sacp.cmd.>', false],
  ['grafana', 'sub', 'sacp.logs.>', false],
  ['grafana', 'sub', '_INBOX.cli.>', false],
  ['grafana', 'pub', 'sacp.evt.agent.deployed', false],
  ['grafana', 'pub', 'sacp.cmd.agent.stop.cli', false],
  ['grafana', 'pub', 'sacp.cmd.agent.stop.system', false],
  ['grafana', 'pub', 'sacp.qry.agent.status', false],
  ['grafana', 'pub', 'sacp.metrics.host', false],
  ['grafana', 'pub', '$JS.API.STREAM.DELETE.SACP_EVENTS', false],
  ['grafana', 'pub', '$JS.API.STREAM.PURGE.SACP_EVENTS', false],
  ['grafana', 'pub', '$JS.API.CONSUMER.MSG.NEXT.SACP_EVENTS.grafana', true],
  ['grafana', 'pub', '$JS.API.CONSUMER.MSG.NEXT.SACP_EVENTS.discord-alerts', false],
  ['grafana', 'pub', '$JS.API.CONSUMER.DELETE.SACP_EVENTS.discord-alerts', false],
  ['grafana', 'pub', '$JS.ACK.SACP_EVENTS.discord-alerts.1.1.1.1.1', false],
];

describe('bus permissions (real nats-server, generated config)', () => {
  let nats: TestNats;
  const probes = new Map<string, BusProbe>();
  const conns: NatsConnection[] = [];

  beforeAll(async () => {
    nats = await startNats();
    await nats.addReader('grafana');
    for (const user of new Set(TABLE.map((r) => r[0]))) {
      const nc = await nats.connectAs(user);
      conns.push(nc);
      probes.set(user, BusProbe.watch(nc));
    }
  });
  afterAll(async () => {
    for (const nc of conns) await nc.close().catch(() => undefined);
    await nats?.stop();
  });

  test('a client without credentials, or with a wrong password, cannot connect, and is told what to check', async () => {
    const none = await connectBus({ url: nats.url, name: 'stranger', reconnect: false }).catch((e: unknown) => e);
    assert.ok(none instanceof BusError && none.code === 'BUS.UNAUTHORIZED', String(none));
    assert.match(none.message, /Authorization Violation: check NATS_CREDENTIALS_FILE/);
    const wrong = await connectBus({
      url: nats.url,
      name: 'guesser',
      reconnect: false,
      credentials: { user: 'orchestrator', password: 'guess' },
      credentialsFrom: 'NATS_CREDENTIALS_FILE=/x.json',
    }).catch((e: unknown) => e);
    assert.ok(wrong instanceof BusError && wrong.code === 'BUS.UNAUTHORIZED');
    assert.match(wrong.message, /check NATS_CREDENTIALS_FILE=\/x\.json/);
    assert.doesNotMatch(wrong.message, /guess/);
  });

  for (const [user, op, subject, allowed] of TABLE)
    test(`${user} ${allowed ? 'may' : 'may not'} ${op === 'pub' ? 'publish to' : 'subscribe to'} ${subject}`, async () => {
      const probe = probes.get(user)!;
      const got = op === 'pub' ? await probe.canPublish(subject) : await probe.canSubscribe(subject);
      assert.equal(got, allowed);
    });

  test('every connection stays up after its refusals: a Permissions Violation closes nothing', () => {
    for (const nc of conns) assert.equal(nc.isClosed(), false);
  });
});
