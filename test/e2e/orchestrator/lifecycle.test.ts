import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';
import type { LogLine } from '@sacp/events';

describe('agent lifecycle through the orchestrator (real NATS, Postgres, Docker)', () => {
  const cp = new TestControlPlane();
  let agentId = '';
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => cp.stop());

  const inspect = async (id: string) =>
    (await cp.docker['client'].api.getContainer(id).inspect()) as unknown as {
      State: { Running: boolean; StartedAt: string };
      HostConfig: {
        Memory: number;
        NanoCpus: number;
        PidsLimit: number;
        SecurityOpt: string[];
        CapDrop: string[];
        CapAdd: string[] | null;
        Privileged: boolean;
        NetworkMode: string;
      };
      Config: { Labels: Record<string, string>; User: string };
    };

  test('deploy gives a running container with the template limits and hardened defaults', async () => {
    agentId = await cp.deploy('sim', 'worker-1');
    const view = await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running');
    assert.equal(view.name, 'worker-1');
    assert.deepEqual(view.template, { name: 'sim', version: 1 });
    const c = await inspect(view.containerId!);
    assert.equal(c.State.Running, true);
    assert.equal(c.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(c.HostConfig.NanoCpus, 250_000_000);
    assert.equal(c.HostConfig.PidsLimit, 64);
    assert.ok(c.HostConfig.SecurityOpt.includes('no-new-privileges:true'), JSON.stringify(c.HostConfig.SecurityOpt));
    assert.deepEqual(c.HostConfig.CapDrop, ['ALL']);
    assert.ok(!c.HostConfig.CapAdd?.length);
    assert.equal(c.HostConfig.Privileged, false);
    assert.notEqual(c.HostConfig.NetworkMode, 'host');
    assert.equal(c.Config.User, '1000');
    assert.equal(c.Config.Labels['sacp.managed'], 'true');
    assert.equal(c.Config.Labels['sacp.agent.id'], agentId);
    assert.equal(c.Config.Labels['sacp.template'], 'sim');
    assert.equal(c.Config.Labels['sacp.template.version'], '1');
  });

  test('a template volume and an allowed network are created for the agent, labelled as its own', async () => {
    const id = await cp.deploy('networked', 'net-1');
    const view = await cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running');
    const info = (await cp.docker['client'].api.getContainer(view.containerId!).inspect()) as unknown as {
      HostConfig: { NetworkMode: string };
      Mounts: { Type: string; Name: string; Destination: string }[];
    };
    assert.equal(info.HostConfig.NetworkMode, 'sacp-agents');
    const mount = info.Mounts.find((m) => m.Destination === '/workspace');
    assert.equal(mount?.Type, 'volume');
    const volume = await cp.docker['client'].api.getVolume(mount.Name).inspect();
    assert.equal(volume.Labels['sacp.agent.id'], id);
    assert.equal(volume.Labels['sacp.instance'], cp.instance);
    await cp.command('agent.remove', { agent: 'net-1' });
    await cp.waitForAgent(id, (a) => a.state.observed === 'removed', 'removed');
  });

  test('logs come back from the running agent', async () => {
    const lines = await waitFor('heartbeat lines', async () => {
      const r = await cp.query<{ lines: LogLine[] }>('agent.logs', { agent: 'worker-1', lines: 20 });
      assert.ok(r.ok, JSON.stringify(r));
      return r.result.lines.some((l) => l.line.includes('"heartbeat"')) ? r.result.lines : null;
    });
    assert.ok(lines.every((l) => l.stream === 'stdout' || l.stream === 'stderr'));
  });

  test('stop stops the container and keeps it; start runs it again', async () => {
    const stop = await cp.command('agent.stop', { agent: 'worker-1' }, { reason: 'maintenance window' });
    assert.ok(stop.ok, JSON.stringify(stop));
    const stopped = await cp.waitForAgent(agentId, (a) => a.state.observed === 'stopped', 'stopped');
    assert.equal(stopped.state.desired, 'stopped');
    assert.equal((await inspect(stopped.containerId!)).State.Running, false);

    const start = await cp.command('agent.start', { agent: 'worker-1' });
    assert.ok(start.ok);
    const running = await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running again');
    assert.equal(running.containerId, stopped.containerId, 'the same container is started again');
    assert.equal((await inspect(running.containerId!)).State.Running, true);
  });

  test('restart restarts the same container and counts it', async () => {
    const [before] = await cp.status('worker-1');
    const startedBefore = (await inspect(before!.containerId!)).State.StartedAt;
    const r = await cp.command('agent.restart', { agent: 'worker-1' });
    assert.ok(r.ok);
    const after = await cp.waitForAgent(agentId, (a) => a.restarts === before!.restarts + 1 && a.state.observed === 'running', 'restarted');
    assert.equal(after.containerId, before!.containerId);
    assert.notEqual((await inspect(after.containerId!)).State.StartedAt, startedBefore);
  });

  test('history tells who did what, when and why', async () => {
    const r = await cp.query<{ type: string; actor: { id: string; kind: string }; reason: string | null; causationId: string | null; source: string }[]>('agent.history', {
      agent: 'worker-1',
    });
    assert.ok(r.ok);
    const types = r.result.map((e) => e.type);
    assert.deepEqual(types.slice(0, 4), ['agent.deployed', 'agent.container_created', 'agent.container_started', 'agent.stop_requested']);
    const stop = r.result.find((e) => e.type === 'agent.stop_requested')!;
    assert.deepEqual([stop.actor.kind, stop.actor.id, stop.reason], ['cli', 'tester', 'maintenance window']);
    const stopped = r.result.find((e) => e.type === 'agent.container_stopped')!;
    assert.equal(stopped.actor.kind, 'system');
    assert.equal(stopped.source, 'orchestrator:reconcile');
    assert.ok(stopped.causationId, 'a system event names the event that caused it');
  });

  test('replay rebuilds the registry identical to the live one', async () => {
    await cp.deploy('sim', 'worker-2');
    await cp.command('agent.stop', { agent: 'worker-2' });
    const snapshot = async () => (await cp.pool.query('select * from agent_registry order by agent_id')).rows;
    const live = await waitFor('the projector to catch up', async () => {
      const rows = await snapshot();
      const w2 = rows.find((r) => r.name === 'worker-2');
      return w2?.observed === 'stopped' ? rows : null;
    });
    const r = await cp.command<{ events: number }>('system.replay', {});
    assert.ok(r.ok, JSON.stringify(r));
    const { rows: count } = await cp.pool.query('select count(*)::int as n from events');
    assert.ok(r.result.events > 0 && r.result.events <= count[0].n);
    assert.deepEqual(await snapshot(), live);
  });

  test('remove removes the container and frees the name', async () => {
    const [before] = await cp.status('worker-1');
    const r = await cp.command('agent.remove', { agent: 'worker-1' });
    assert.ok(r.ok);
    await waitFor('the container to be gone', async () => !(await cp.docker.inspect(before!.containerId!)));
    await cp.waitForAgent(agentId, (a) => a.state.observed === 'removed', 'removed');
    const again = await cp.command('agent.stop', { agent: agentId });
    assert.equal(!again.ok && again.error.code, 'AGENT.REMOVED');
    const reuse = await cp.deploy('sim', 'worker-1');
    assert.notEqual(reuse, agentId);
  });
});
