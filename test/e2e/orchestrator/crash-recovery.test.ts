import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

const AGENTS = 20;

describe('crash recovery (real orchestrator process killed with SIGKILL)', () => {
  const cp = new TestControlPlane();
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => cp.stop());

  test('killed in the middle of deploying 20 agents and started again, every agent converges to exactly one container', async () => {
    const replies = await Promise.all(Array.from({ length: AGENTS }, (_, i) => cp.command<{ agentId: string }>('agent.deploy', { template: 'sim', name: `crash-${i}` })));
    assert.ok(
      replies.every((r) => r.ok),
      'every deploy is accepted once committed',
    );
    const ids = replies.map((r) => (r.ok ? r.result.agentId : ''));

    // kill once Docker work is under way but not finished
    const partial = await waitFor(
      'some containers to exist',
      async () => {
        const n = (await cp.containers()).length;
        return n >= 2 ? n : null;
      },
      30_000,
      20,
    );
    await cp.orchestrators[0]!.kill('SIGKILL');
    assert.ok(partial < AGENTS, `killed mid-way (${partial} of ${AGENTS} containers existed)`);

    await cp.addOrchestrator();
    for (const id of ids) await cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running after the restart', 60_000);

    const containers = await cp.containers();
    assert.equal(containers.length, AGENTS, 'no duplicates and no orphans');
    const byAgent = new Map<string, number>();
    for (const c of containers) byAgent.set(c.labels['sacp.agent.id']!, (byAgent.get(c.labels['sacp.agent.id']!) ?? 0) + 1);
    assert.deepEqual([...byAgent.keys()].sort(), [...ids].sort());
    assert.ok([...byAgent.values()].every((n) => n === 1));
    assert.ok(containers.every((c) => c.running));
    const views = await cp.status();
    for (const v of views) assert.equal(v.containerId, containers.find((c) => c.labels['sacp.agent.id'] === v.id)!.id, `${v.name} records the container that runs`);
  });

  test('a container carrying this instance and store but unknown to the store is quarantined (stopped, kept), not removed', async () => {
    const orphanAgent = '01a21741-0000-7000-8000-00000000dead';
    const created = await cp.docker['client'].api.createContainer({
      Image: 'sacp/sim-agent:latest',
      name: `sacp-orphan-${cp.instance}`,
      Labels: { 'sacp.managed': 'true', 'sacp.instance': cp.instance, 'sacp.store': await cp.storeId(), 'sacp.agent.id': orphanAgent },
      HostConfig: { Memory: 64 * 1024 * 1024 },
    });
    await created.start();
    const quarantined = await waitFor(
      'the orphan to be quarantined',
      async () => {
        const c = await cp.docker.inspect(created.id);
        return c && !c.running && c.name.startsWith('sacp-quarantined-') ? c : null;
      },
      30_000,
    );
    assert.equal(quarantined.id, created.id, 'still present');
  });
});
