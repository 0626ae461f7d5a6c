import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { VolumeListView, VolumeView } from '@sacp/events';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';
import { explain, parseTable, sacp } from './sacp';

const run$ = promisify(execFile);
/** A shell command inside the agent's container, as the agent's own user. */
const inContainer = async (containerId: string, script: string) => (await run$('docker', ['exec', containerId, 'sh', '-c', script])).stdout;

/**
 * Workspace volumes with real Docker, a real orchestrator and the real `sacp` binary:
 * made and labelled for each agent, kept across stop/start, restart and a new
 * container, listed with sizes, kept by `rm` (then orphaned), removed by `rm --volumes`
 * or, orphaned, by `volumes rm`; another store's volume is neither listed nor touched.
 */
describe('sacp: workspace volumes', () => {
  // sizes measured again after half a second, so a listing after a write sees it
  const cp = new TestControlPlane({ env: { SACP_VOLUME_SIZES_TTL_MS: '500', SACP_VOLUME_SIZES_WAIT_MS: '3000' } });
  let env: Record<string, string>;
  const run = (...args: string[]) => sacp(args, { env });
  const api = cp.docker['client'].api;
  const foreign = `sacp-e2e-${cp.instance}-foreign`;
  let volumeA = '';

  beforeAll(async () => {
    await cp.start();
    env = { ...cp.cliEnv, SACP_ACTOR: 'alice' };
  }, 120_000);
  afterAll(async () => {
    await api
      .getVolume(foreign)
      .remove()
      .catch(() => undefined);
    await cp.stop(); // removes the containers and volumes labelled with its instance
  });

  const deploy = async (name: string) => {
    const r = await run('deploy', 'sim', '--name', name, '--json');
    assert.equal(r.code, 0, explain(r));
    return JSON.parse(r.stdout) as { agentId: string; containerId: string };
  };
  const list = async (...flags: string[]) => {
    const r = await run('volumes', '--json', ...flags);
    assert.equal(r.code, 0, explain(r));
    return JSON.parse(r.stdout) as VolumeListView;
  };
  const volumeOf = async (agentId: string) => {
    const found = await api.listVolumes({ filters: JSON.stringify({ label: [`sacp.agent.id=${agentId}`] }) });
    return (found.Volumes ?? []).map((v) => v.Name);
  };
  const running = async (agentId: string) => (await cp.waitForAgent(agentId, (v) => v.state.observed === 'running', 'running')).containerId!;
  const events = async (type: string) =>
    (
      await cp.pool.query<{ data: Record<string, unknown>; metadata: Record<string, unknown> }>('select data, metadata from events where type = $1 order by global_position', [
        type,
      ])
    ).rows;

  test('each agent gets its own workspace volume at /workspace, labelled with the control plane, the store and the agent', async () => {
    const a = await deploy('vol-a');
    const [name, ...more] = await volumeOf(a.agentId);
    assert.ok(name, 'a volume carries the agent id');
    assert.deepEqual(more, []);
    volumeA = name;
    const info = await api.getVolume(name).inspect();
    assert.deepEqual(Object.fromEntries(Object.entries(info.Labels ?? {}).filter(([k]) => k.startsWith('sacp.'))), {
      'sacp.managed': 'true',
      'sacp.instance': cp.instance,
      'sacp.store': await cp.storeId(),
      'sacp.agent.id': a.agentId,
      'sacp.agent.name': 'vol-a',
      'sacp.volume': 'workspace',
    });
    const container = await api.getContainer(a.containerId).inspect();
    const mount = container.Mounts.find((m) => m.Destination === '/workspace');
    assert.equal(mount?.Name, name);
    assert.equal(mount?.RW, true);
  });

  test('a file written in /workspace survives stop and start, restart, and a new container', async () => {
    const [a] = await cp.status('vol-a');
    let containerId = a!.containerId!;
    await inContainer(containerId, 'echo "kept across lives" > /workspace/note.txt && dd if=/dev/zero of=/workspace/blob bs=1024 count=2048 2>/dev/null');
    for (const step of [['stop'], ['start'], ['restart']]) {
      const r = await run(...step, 'vol-a');
      assert.equal(r.code, 0, explain(r));
    }
    containerId = await running(a!.id);
    assert.equal(await inContainer(containerId, 'cat /workspace/note.txt'), 'kept across lives\n');

    // the container removed by hand: the next start makes a new one, which mounts the same volume
    await api.getContainer(containerId).remove({ force: true });
    await cp.waitForAgent(a!.id, (v) => v.state.observed === 'absent', 'recorded as gone');
    assert.equal((await run('start', 'vol-a')).code, 0);
    const fresh = await running(a!.id);
    assert.notEqual(fresh, containerId);
    assert.equal(await inContainer(fresh, 'cat /workspace/note.txt'), 'kept across lives\n');
    assert.deepEqual(await volumeOf(a!.id), [volumeA], 'still one volume');
  });

  test('volumes lists it with its agent, size and creation time', async () => {
    const [a] = await cp.status('vol-a');
    let v: VolumeView | undefined;
    await waitFor(
      'the size of what was written',
      async () => {
        v = (await list()).volumes.find((x) => x.name === volumeA);
        return (v?.sizeBytes ?? 0) >= 2048 * 1024;
      },
      30_000,
      500,
    );
    assert.deepEqual(
      { ...v!, sizeBytes: 0, createdAt: '' },
      {
        name: volumeA,
        kind: 'workspace',
        agent: { id: a!.id, name: 'vol-a', exists: true },
        team: null,
        orphaned: false,
        sizeBytes: 0,
        refCount: 1,
        createdAt: '',
      },
    );
    assert.ok(Date.parse(v!.createdAt!) > Date.now() - 600_000, v!.createdAt!);
    const table = await run('volumes');
    assert.equal(table.code, 0, explain(table));
    const row = parseTable(table.stdout).find((r) => r.VOLUME === volumeA);
    assert.ok(row, table.stdout);
    assert.equal(row.STATE, 'in use by agent');
    assert.match(row.SIZE!, /^2(\.\d)?MiB$/);
    assert.match(table.stdout, /sizes as of /);
  });

  test("another store's volume under the same instance is neither listed nor removed", async () => {
    await api.createVolume({
      Name: foreign,
      Labels: { 'sacp.managed': 'true', 'sacp.instance': cp.instance, 'sacp.store': randomUUID(), 'sacp.agent.id': randomUUID(), 'sacp.volume': 'workspace' },
    });
    assert.equal(
      (await list()).volumes.find((v) => v.name === foreign),
      undefined,
    );
    const r = await run('volumes', 'rm', foreign);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /VOLUME\.NOT_OURS|not made by this control plane/);
    assert.ok(await api.getVolume(foreign).inspect(), 'still there');
    // several reconcile passes: nothing touches it either
    await new Promise((res) => setTimeout(res, 3000));
    assert.ok(await api.getVolume(foreign).inspect(), 'still there');
  });

  test("a living agent's volume cannot be removed on its own", async () => {
    const r = await run('volumes', 'rm', volumeA);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /still exists.*sacp rm vol-a --volumes/);
  });

  test('rm keeps the volume: listed as orphaned and logged once; volumes rm then removes it, recorded', async () => {
    const r = await run('rm', 'vol-a');
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, /its volumes are kept/);
    assert.ok(await api.getVolume(volumeA).inspect(), 'the volume is kept');
    const v = (await list('--orphaned')).volumes.find((x) => x.name === volumeA);
    assert.deepEqual([v?.orphaned, v?.agent.exists, v?.agent.name], [true, false, 'vol-a']);
    await waitFor('the orphan report', async () => cp.orchestrators[0]!.logs.includes('orphaned volume kept'), 15_000, 200);
    const reports = cp.orchestrators[0]!.logs.split('\n').filter((l) => l.includes('orphaned volume kept') && l.includes(volumeA));
    assert.equal(reports.length, 1, 'logged once, however many passes saw it');

    const removed = await run('volumes', 'rm', volumeA, '--reason', 'copied out');
    assert.equal(removed.code, 0, explain(removed));
    assert.equal(removed.stdout, `removed orphaned volume ${volumeA} of the removed agent vol-a\n`);
    await assert.rejects(api.getVolume(volumeA).inspect(), /no such volume/i);
    const [record] = (await events('volume.removed')).filter((e) => e.data.volume === volumeA);
    assert.equal(record?.data.by, 'operator');
    assert.equal(record?.data.agentName, 'vol-a');
    assert.equal((record?.metadata.actor as { id: string }).id, 'alice');
    assert.equal(record?.metadata.reason, 'copied out');
  });

  test('rm --volumes removes the agent with its volume, recorded with who asked', async () => {
    const b = await deploy('vol-b');
    const [name] = await volumeOf(b.agentId);
    assert.ok(name);
    const r = await run('rm', 'vol-b', '--volumes');
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, /its volumes too/);
    await waitFor('the volume to go', async () => (await volumeOf(b.agentId)).length === 0, 15_000, 200);
    const [record] = (await events('volume.removed')).filter((e) => e.data.volume === name);
    assert.equal(record?.data.by, 'agent_removed');
    assert.deepEqual([(record?.data.requestedBy as { kind: string }).kind, (record?.data.requestedBy as { id: string }).id], ['cli', 'alice']);
    assert.equal(
      (await list()).volumes.find((v) => v.name === name),
      undefined,
    );
  });
});
