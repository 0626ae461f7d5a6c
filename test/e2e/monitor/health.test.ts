import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

const run = promisify(execFile);

interface Row {
  event_id: string;
  type: string;
  data: Record<string, unknown> & { cause?: { eventId: string; kind: string } };
  metadata: { causationId: string | null; actor: { kind: string; id: string }; source: string; commandId: string };
}

describe('health checks (real monitor, orchestrator and sim agents)', () => {
  const cp = new TestControlPlane({ monitors: 1, env: { MONITOR_HEALTH_TICK_MS: '250', MONITOR_SAMPLE_INTERVAL_MS: '1000' } });
  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => cp.stop());

  const streamOf = async (agentId: string) =>
    (await cp.pool.query<Row>('select event_id, type, data, metadata from events where stream_id = $1 order by stream_position', [`agent-${agentId}`])).rows;

  /** deploys, waits for a healthy verdict, turns /health and `sim-ctl health` to failing, and waits for the restart */
  async function unhealthyIsRestarted(template: string, name: string, probe: 'command' | 'http') {
    const agentId = await cp.deploy(template, name);
    const view = await cp.waitForAgent(agentId, (a) => a.health === 'healthy', 'reported healthy', 20_000);
    const containerId = view.containerId!;

    await run('docker', ['exec', containerId, 'sim-ctl', 'unhealthy']);
    const events = await waitFor(
      `${name} to be restarted`,
      async () => {
        const rows = await streamOf(agentId);
        return rows.some((r) => r.type === 'agent.container_restarted') ? rows : null;
      },
      30_000,
      200,
    );

    const changes = events.filter((e) => e.type === 'agent.health_changed');
    assert.deepEqual(
      changes.slice(0, 2).map((e) => [e.data.status, e.data.probe, e.data.containerId]),
      [
        ['healthy', probe, containerId],
        ['unhealthy', probe, containerId],
      ],
    );
    const unhealthy = changes[1]!;
    assert.deepEqual([unhealthy.metadata.actor.kind, unhealthy.metadata.source], ['system', 'monitor:health']);
    assert.match(unhealthy.metadata.commandId, new RegExp(`^health:${containerId}:unhealthy:\\d+$`));

    const scheduled = events.find((e) => e.type === 'agent.restart_scheduled')!;
    assert.ok(scheduled, 'recovery scheduled a restart');
    assert.deepEqual([scheduled.data.cause!.kind, scheduled.data.cause!.eventId, scheduled.metadata.causationId], ['unhealthy', unhealthy.event_id, unhealthy.event_id]);
    const restarted = events.find((e) => e.type === 'agent.container_restarted')!;
    assert.equal(restarted.metadata.causationId, scheduled.event_id);

    // the same container runs again, and is healthy again: the health of the new run is reported anew
    const info = await cp.docker.inspect(containerId);
    assert.equal(info?.running, true);
    await cp.waitForAgent(agentId, (a) => a.health === 'healthy' && a.restarts === 1, 'healthy again after the restart', 20_000);
    const after = (await streamOf(agentId)).filter((e) => e.type === 'agent.health_changed');
    assert.equal(after.filter((e) => e.data.status === 'unhealthy').length, 1, 'one unhealthy verdict recorded, not one per probe');
    return { agentId, unhealthy };
  }

  test('a command health check (Docker HEALTHCHECK) that starts failing while the container runs: health_changed unhealthy, then a restart', async () => {
    const { unhealthy } = await unhealthyIsRestarted('sick', 'sick-1', 'command');
    assert.match(String(unhealthy.data.output), /Docker HEALTHCHECK failed \d+ times? in a row \(last exit 1/);
    await cp.command('agent.stop', { agent: 'sick-1' });
  });

  test('an HTTP probe whose /health answers 503: health_changed unhealthy with the answer, then a restart', async () => {
    const { unhealthy } = await unhealthyIsRestarted('probed', 'probed-1', 'http');
    assert.match(String(unhealthy.data.output), /GET \/health answered 503: \{"healthy":false\} \(2 failed probes in a row\)/);
    await cp.command('agent.stop', { agent: 'probed-1' });
  });
});
