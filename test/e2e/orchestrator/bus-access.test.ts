import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import type { NatsConnection } from '@nats-io/nats-core';
import { BusError, connectBus, requestJson } from '@sacp/bus';
import { type AuditEntryView, type CommandReply, Subjects } from '@sacp/events';
import { BusProbe } from '../../support/bus-probe';
import { TestControlPlane } from '../../support/control-plane';
import { ServiceProcess } from '../../support/service-process';

const DISCORD_USER = { kind: 'discord' as const, id: '1189403234567890123', displayName: 'mallory' };
const SYSTEM_CLAIM = { kind: 'system' as const, id: 'monitor', displayName: 'monitor' };

/**
 * The bus's trust boundary with a real orchestrator behind it: no stranger connects,
 * a front door cannot act as the control plane, and a secret travels only to the
 * orchestrator and back to its sender.
 */
describe('an authenticated bus (real nats-server, real orchestrator)', () => {
  const cp = new TestControlPlane();
  let gateway: NatsConnection;

  beforeAll(async () => {
    await cp.start();
    gateway = await cp.connectAs('discord-gateway');
  });
  afterAll(async () => {
    await gateway?.close().catch(() => undefined);
    await cp.stop();
  });

  test('a client without credentials cannot connect', async () => {
    const err = await connectBus({ url: cp.nats.url, name: 'stranger', reconnect: false }).catch((e: unknown) => e);
    assert.ok(err instanceof BusError && err.code === 'BUS.UNAUTHORIZED', String(err));
    assert.match(err.message, /Authorization Violation/);
  });

  test('a service whose credential the server refuses stops at start, naming NATS_CREDENTIALS_FILE and not the password', async () => {
    const file = join(cp.nats.natsDir, 'wrong.json');
    writeFileSync(file, JSON.stringify({ user: 'monitor', password: 'not-the-password', role: 'monitor' }), { mode: 0o600 });
    const m = new ServiceProcess('monitor', { ...cp.serviceEnv('monitor'), NATS_CREDENTIALS_FILE: file }, 'MONITOR_HTTP_PORT');
    await m.start({ waitReady: false });
    assert.notEqual(await m.exited(), 0);
    assert.match(m.logs, new RegExp(`Authorization Violation: check NATS_CREDENTIALS_FILE=${file.replace(/[.]/g, '\\.')}`));
    assert.doesNotMatch(m.logs, /not-the-password/);
  });

  test('a front door claiming the system actor is refused with ACCESS.DENIED, audited, and changes nothing', async () => {
    const agentId = await cp.deploy('sim', 'victim');
    await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running');
    const commandId = `forged-${randomUUID()}`;
    const forged = { type: 'agent.stop', version: 1, commandId, actor: SYSTEM_CLAIM, source: 'discord:guild/channel', payload: { agent: 'victim' } };

    // on its own subject, the envelope's kind gives it away
    const reply = await requestJson<CommandReply>(gateway, Subjects.command('agent.stop', 'discord'), forged, 10_000);
    assert.equal(!reply.ok && reply.error.code, 'ACCESS.DENIED', JSON.stringify(reply));
    assert.match(!reply.ok ? reply.error.message : '', /claims actor kind "system" but was sent on the subject of "discord" senders/);

    // on the system's subject, the server itself refuses the publish
    const direct = await requestJson(gateway, Subjects.command('agent.stop', 'system'), forged, 10_000).catch((e: unknown) => e);
    assert.ok(direct instanceof BusError && direct.code === 'BUS.FORBIDDEN', String(direct));

    const audit = await cp.query<AuditEntryView[]>('audit.list', { outcome: 'refused' });
    assert.ok(audit.ok);
    const entry = audit.result.find((e) => e.commandId === commandId);
    assert.ok(entry, 'the refusal is in the audit trail');
    assert.equal(entry.errorCode, 'ACCESS.DENIED');
    assert.equal(entry.commandType, 'agent.stop');
    assert.deepEqual(entry.actor, SYSTEM_CLAIM);

    const [view] = await cp.status(agentId);
    assert.equal(view!.state.desired, 'running', 'the agent was not stopped');
    // the refusal did not take the command id: the rightful sender can still use it
    const rightful = await cp.command('agent.stop', { agent: 'victim' }, { commandId, actor: SYSTEM_CLAIM });
    assert.ok(rightful.ok && !rightful.duplicate, JSON.stringify(rightful));
  });

  test('a front door may send its own commands as its own kind', async () => {
    const reply = await requestJson<CommandReply>(
      gateway,
      Subjects.command('agent.deploy', 'discord'),
      { type: 'agent.deploy', version: 1, commandId: randomUUID(), actor: DISCORD_USER, source: 'discord:guild/channel', payload: { template: 'sim', name: 'from-discord' } },
      10_000,
    );
    assert.ok(reply.ok, JSON.stringify(reply));
  });

  test('the monitor may stop for idleness but not deploy or remove', async () => {
    const monitor = BusProbe.watch(await cp.connectAs('monitor'));
    try {
      assert.equal(await monitor.canPublish(Subjects.command('agent.deploy', 'system')), false);
      assert.equal(await monitor.canPublish(Subjects.command('agent.remove', 'system')), false);
      const stop = await cp.command('agent.stop', { agent: 'from-discord' }, { actor: SYSTEM_CLAIM });
      assert.ok(stop.ok, JSON.stringify(stop));
    } finally {
      await monitor.nc.close();
    }
  });

  test("a secret value reaches only the orchestrator and its sender; no other credential can read it or another's replies", async () => {
    const value = `s3cret-${randomUUID()}`;
    const seen: string[] = [];
    const watchers: NatsConnection[] = [];
    await cp.nats.addReader('observer');
    try {
      for (const user of ['monitor', 'discord-gateway', 'api', 'observer']) {
        const nc = await cp.connectAs(user);
        watchers.push(nc);
        const probe = BusProbe.watch(nc);
        for (const subject of ['sacp.cmd.>', Subjects.command('secret.set', 'cli'), '_INBOX.>', '_INBOX.cli.>', '>'])
          assert.equal(await probe.canSubscribe(subject), false, `${user} must not subscribe to ${subject}`);
        // whatever a refused subscription might still deliver is collected, to be sure nothing came
        for (const subject of ['sacp.evt.>', 'sacp.logs.>']) nc.subscribe(subject, { callback: (_e, m) => void seen.push(m.string()) });
      }
      const set = await cp.command('secret.set', { name: 'probe-secret', value });
      assert.ok(set.ok, JSON.stringify(set));
      assert.doesNotMatch(JSON.stringify(set), new RegExp(value), 'the reply does not echo it either');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(seen.filter((s) => s.includes(value)).length, 0, 'no other credential saw the value');
    } finally {
      for (const nc of watchers) await nc.close().catch(() => undefined);
    }
  });
});
