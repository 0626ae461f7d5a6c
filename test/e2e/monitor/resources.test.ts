import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';
import { requestJson } from '@sacp/bus';
import type { AgentResourceSample, MetricsAgentsReply } from '@sacp/domain';
import type { QueryReply } from '@sacp/events';

interface Row {
  type: string;
  data: { key: string; severity: string; agentId: string | null; cause: string; message: string };
  metadata: { actor: { kind: string }; source: string };
}

describe('resource samples and threshold alerts (real monitor, orchestrator and sim agents)', () => {
  // every host is above 1% memory use, and a sim agent uses more than 5% of its 64 MiB
  const cp = new TestControlPlane({
    monitors: 1,
    env: {
      MONITOR_SAMPLE_INTERVAL_MS: '500',
      MONITOR_HOST_MEMORY_ALERT_PERCENT: '1',
      MONITOR_HOST_DISK_ALERT_PERCENT: '100',
      MONITOR_HOST_LOAD_ALERT_PER_CPU: '1000',
      MONITOR_AGENT_MEMORY_ALERT_PERCENT: '5',
    },
  });
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => cp.stop());

  const alerts = async (key: string) =>
    (await cp.pool.query<Row>("select type, data, metadata from events where type in ('alert.raised', 'alert.resolved') and data->>'key' = $1 order by global_position", [key]))
      .rows;

  test('samples of a running agent are published with CPU and memory, and the metrics query answers', async () => {
    const agentId = await cp.deploy('sim', 'sampled-1');
    const view = await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running');
    const samples: AgentResourceSample[] = [];
    // raw samples are the monitor's own subjects; operators read them through the query below
    const monitor = await cp.connectAs('monitor');
    const sub = monitor.subscribe(`sacp.metrics.agent.${agentId}`, { callback: (_e, m) => void samples.push(m.json<AgentResourceSample>()) });
    await waitFor('two samples', async () => samples.length >= 2, 10_000).finally(() => monitor.close());
    sub.unsubscribe();
    const s = samples[1]!;
    assert.equal(s.agentId, agentId);
    assert.equal(s.containerId, view.containerId);
    assert.equal(s.memoryLimitBytes, 64 * 1024 * 1024);
    assert.ok(s.memoryBytes > 1024 * 1024 && s.memoryBytes < s.memoryLimitBytes, `memory ${s.memoryBytes}`);
    assert.ok(typeof s.cpuPercent === 'number' && s.cpuPercent >= 0 && s.cpuPercent <= 100, `cpu ${s.cpuPercent}`);
    assert.ok(s.pids >= 1);

    const reply = await requestJson<QueryReply<MetricsAgentsReply>>(cp.nc, 'sacp.qry.metrics.agents', {}, 5000);
    assert.ok(reply.ok, JSON.stringify(reply));
    assert.equal(reply.result.agents[agentId]?.containerId, view.containerId);
    const host = reply.result.host!;
    assert.ok(host.memoryPercent > 1 && host.memoryPercent <= 100 && host.memoryTotalBytes > 0);
    assert.ok(host.diskTotalBytes > 0 && host.cpuCount >= 1 && host.load.length === 3);
  });

  test('a host threshold crossed on every sample raises exactly one alert; an agent over its memory threshold one more, resolved when it stops', async () => {
    await waitFor('a few samples over the threshold', async () => (await alerts('host:memory')).length > 0, 10_000);
    await new Promise((r) => setTimeout(r, 2500)); // five more samples, each over the threshold
    const host = await alerts('host:memory');
    assert.equal(host.length, 1, 'deduplicated over several samples');
    assert.deepEqual([host[0]!.type, host[0]!.data.severity, host[0]!.data.agentId, host[0]!.data.cause], ['alert.raised', 'warning', null, 'host_memory']);
    assert.match(host[0]!.data.message, /^host memory [\d.]+% used \(.* GiB of .* GiB; threshold 1%\)$/);
    assert.deepEqual([host[0]!.metadata.actor.kind, host[0]!.metadata.source], ['system', 'monitor:resources']);

    const [agent] = await cp.status('sampled-1');
    const key = `agent:${agent!.id}:memory`;
    const raised = await waitFor('the agent memory alert', async () => (await alerts(key))[0], 10_000);
    assert.equal(raised.data.agentId, agent!.id);
    assert.match(raised.data.message, /^sampled-1 uses [\d.]+% of its memory limit \(\d+ MiB of 64 MiB; threshold 5%\)$/);

    await cp.command('agent.stop', { agent: 'sampled-1' });
    const both = await waitFor(
      'the agent memory alert to be resolved',
      async () => {
        const rows = await alerts(key);
        return rows.length === 2 ? rows : null;
      },
      10_000,
    );
    assert.deepEqual(
      both.map((r) => r.type),
      ['alert.raised', 'alert.resolved'],
    );
    // the read model follows the events a moment later
    await waitFor('the registry to show the alert resolved', async () => (await cp.status('sampled-1'))[0]?.lastAlert?.state === 'resolved' || null, 10_000);
  });

  test("a template's own thresholds override the monitor's: CPU and memory alerts per agent", async () => {
    const agentId = await cp.deploy('watched', 'watched-1');
    await cp.waitForAgent(agentId, (a) => a.state.observed === 'running', 'running');
    const cpu = await waitFor('the CPU alert', async () => (await alerts(`agent:${agentId}:cpu`))[0], 15_000);
    assert.equal(cpu.data.cause, 'agent_cpu');
    assert.match(cpu.data.message, /^watched-1 uses [\d.]+% of its CPU limit of 0.5 cores \(threshold 20%\)$/);
    const memory = await waitFor('the memory alert', async () => (await alerts(`agent:${agentId}:memory`))[0], 15_000);
    assert.match(memory.data.message, /threshold 3%\)$/, 'the template threshold, not the monitor default of 5%');
    await cp.command('agent.stop', { agent: 'watched-1' });
  });
});
