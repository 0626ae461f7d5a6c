import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TestControlPlane } from '../../support/control-plane';
import { metadata } from '../../support/event-store';
import { waitFor } from '../../support/ports';

/** The value of one sample (`name{labels} value`) in a scrape, or undefined. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/**
 * What the orchestrator counts, read the way Prometheus does (GET /metrics on a real
 * process): commands by type and outcome with their latency, agents by state,
 * reconcile passes, the relay's lag; and a command's log lines carry its ids.
 */
describe("the orchestrator's own metrics and a command's log lines (real processes, NATS, Postgres, Docker)", () => {
  const cp = new TestControlPlane({ env: { SACP_RECONCILE_INTERVAL_MS: '500' } });
  const scrape = async () => (await fetch(`http://127.0.0.1:${cp.orchestrators[0]!.port}/metrics`)).text();
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => cp.stop());

  test('commands are counted and timed by type and outcome; every line of a command carries its correlationId, commandId and type', async () => {
    const correlationId = `corr-${randomUUID()}`;
    const deployed = await cp.command<{ agentId: string }>('agent.deploy', { template: 'sim', name: 'counted' }, { correlationId });
    assert.ok(deployed.ok, JSON.stringify(deployed));
    const missing = await cp.command('agent.stop', { agent: 'nobody-here' });
    assert.equal(!missing.ok && missing.error.code, 'AGENT.NOT_FOUND');
    const body = await scrape();
    assert.equal(sample(body, 'sacp_commands_total{type="agent.deploy",outcome="ok"}'), 1);
    assert.equal(sample(body, 'sacp_commands_total{type="agent.stop",outcome="AGENT.NOT_FOUND"}'), 1);
    assert.equal(sample(body, 'sacp_command_duration_seconds_count{type="agent.deploy",outcome="ok"}'), 1);

    const lines = cp.orchestrators[0]!.logs.split('\n').filter((l) => l.includes(deployed.commandId));
    assert.ok(
      lines.some((l) => l.includes('"msg":"command accepted"')),
      lines.join('\n'),
    );
    for (const l of lines) {
      const line = JSON.parse(l) as Record<string, unknown>;
      assert.deepEqual([line.correlationId, line.commandId, line.commandType], [correlationId, deployed.commandId, 'agent.deploy'], l);
    }
  });

  test('agents by state and reconcile passes, from the elected replica', async () => {
    const id = await cp.deploy('sim', 'gauged');
    await cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running');
    const body = await waitFor('both agents counted as running', async () => {
      const b = await scrape();
      return sample(b, 'sacp_agents{state="running"}') === 2 ? b : null;
    });
    assert.ok((sample(body, 'sacp_reconcile_pass_duration_seconds_count') ?? 0) > 0);
    const stopped = await cp.command('agent.stop', { agent: 'gauged' });
    assert.ok(stopped.ok, JSON.stringify(stopped));
    await waitFor('one running, one stopped', async () => {
      const b = await scrape();
      return sample(b, 'sacp_agents{state="running"}') === 1 && sample(b, 'sacp_agents{state="stopped"}') === 1;
    });
  });

  test('the relay reports its lag while it is behind, and none once it caught up', async () => {
    const store = await cp.eventStore();
    for (let i = 0; i < 4; i++) {
      const events = Array.from({ length: 5000 }, (_, n) => ({ type: 'test.filler', schemaVersion: 1, data: { n } }));
      await store.append([{ streamId: `lag-${i}`, expectedVersion: 0, events }], metadata());
    }
    let most = 0;
    await waitFor(
      'the relay to catch up',
      async () => {
        const b = await scrape();
        const behind = sample(b, 'sacp_relay_lag_events') ?? -1;
        most = Math.max(most, behind);
        return behind === 0 && sample(b, 'sacp_relay_lag_seconds') === 0 && most > 0;
      },
      120_000,
      50,
    );
    assert.ok(most > 0, `the lag was seen (at most ${most} events)`);
  });
});
