import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { AgentState } from '@sacp/domain';
import type { CommandEnvelope, RemoveVolumePayloadV1 } from '@sacp/events';
import { SizeCache } from '../../../apps/orchestrator/src/volumes/size-cache';
import { sortVolumes, toVolumeView } from '../../../apps/orchestrator/src/volumes/volume-view';
import { removeOrphanVolume, type RemoveVolumeDeps } from '../../../apps/orchestrator/src/volumes/volume.use-cases';

const AGENT = '01a21741-34fc-762b-81eb-f9f75a327123';
const OWN = { 'sacp.managed': 'true', 'sacp.instance': 'sacp', 'sacp.store': 'store-1' };
const LABELS = { ...OWN, 'sacp.agent.id': AGENT, 'sacp.agent.name': 'coder-1', 'sacp.volume': 'workspace' };

/** A promise whose resolution the test decides. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('volume sizes: one measurement at a time, reused, and a bounded wait', () => {
  test('a fresh measurement is reused within the TTL; after it a new one is made', async () => {
    let now = 1_000_000;
    let calls = 0;
    const cache = new SizeCache(async () => ++calls, { ttlMs: 60_000, waitMs: 1000, now: () => now });
    assert.deepEqual((await cache.read()).last?.value, 1);
    now += 59_000;
    assert.equal((await cache.read()).last?.value, 1);
    now += 2000;
    assert.equal((await cache.read()).last?.value, 2);
    assert.equal(calls, 2);
  });

  test('readers during a slow measurement share it, wait at most waitMs, and get the last sizes with pending: true', async () => {
    const slow = deferred<string>();
    let calls = 0;
    const cache = new SizeCache(
      () => {
        calls++;
        return slow.promise;
      },
      { ttlMs: 60_000, waitMs: 20 },
    );
    const [a, b] = await Promise.all([cache.read(), cache.read()]);
    assert.equal(calls, 1, 'one measurement');
    assert.deepEqual(a, { last: null, pending: true });
    assert.deepEqual(b, { last: null, pending: true });
    slow.resolve('done');
    await new Promise((r) => setTimeout(r, 0));
    const c = await cache.read();
    assert.equal(c.last?.value, 'done');
    assert.equal(c.pending, false);
    assert.equal(calls, 1);
  });

  test('a failed measurement keeps the last sizes and is reported', async () => {
    let now = 0;
    let fail = false;
    const errors: unknown[] = [];
    const cache = new SizeCache(async () => (fail ? Promise.reject(new Error('df busy')) : 'sizes'), { ttlMs: 10, waitMs: 100, now: () => now, onError: (e) => errors.push(e) });
    await cache.read();
    fail = true;
    now = 100;
    assert.equal((await cache.read()).last?.value, 'sizes');
    assert.equal(errors.length, 1);
  });
});

describe('listed volumes', () => {
  const info = (over: Partial<{ name: string; labels: Record<string, string>; createdAt: string | null }> = {}) => ({
    name: 'sacp-aaa-workspace',
    labels: LABELS,
    createdAt: '2026-11-30T01:00:00Z',
    ...over,
  });
  const agent = (observed: AgentState['observed'], exists = true) => ({ exists, observed, name: 'coder-1' });

  test("a living agent's volume is not orphaned; a removed agent's, or one this store never knew, is", () => {
    const alive = toVolumeView(info(), agent('stopped'), { sizeBytes: 4096, refCount: 1 });
    assert.deepEqual(alive, {
      name: 'sacp-aaa-workspace',
      kind: 'workspace',
      agent: { id: AGENT, name: 'coder-1', exists: true },
      team: null,
      orphaned: false,
      sizeBytes: 4096,
      refCount: 1,
      createdAt: '2026-11-30T01:00:00Z',
    });
    const removed = toVolumeView(info(), agent('removed'), null);
    assert.equal(removed.orphaned, true);
    assert.equal(removed.agent.exists, false);
    assert.equal(removed.sizeBytes, null);
    const unknown = toVolumeView(info(), agent('none', false), null);
    assert.deepEqual([unknown.orphaned, unknown.agent.name], [true, 'coder-1'], 'the name comes from the label');
  });

  test('a volume that names no agent nor team is listed, never called orphaned', () => {
    assert.equal(toVolumeView(info({ labels: OWN }), null, null).orphaned, false);
  });

  test("a team's shared volume is listed with its team, and orphaned once the team is gone", () => {
    const shared = info({ name: 'sacp-team-coding-shared', labels: { ...OWN, 'sacp.volume': 'team-shared', 'sacp.team': 'coding' } });
    const kept = toVolumeView(shared, null, null, { exists: true });
    assert.deepEqual([kept.kind, kept.team, kept.orphaned, kept.agent.id], ['team-shared', { name: 'coding', exists: true }, false, null]);
    const gone = toVolumeView(shared, null, null, { exists: false });
    assert.deepEqual([gone.team, gone.orphaned], [{ name: 'coding', exists: false }, true]);
    assert.equal(toVolumeView(shared, null, null, null).orphaned, true, 'a team the store never knew');
  });

  test('newest first, whatever the offset Docker writes', () => {
    const names = sortVolumes([
      toVolumeView(info({ name: 'old', createdAt: '2026-11-30T01:00:00Z' }), agent('running'), null),
      toVolumeView(info({ name: 'new', createdAt: '2026-11-30T02:30:00+01:00' }), agent('running'), null),
      toVolumeView(info({ name: 'newest', createdAt: '2026-11-30T01:45:00Z' }), agent('running'), null),
    ]).map((v) => v.name);
    assert.deepEqual(names, ['newest', 'new', 'old']);
  });
});

describe('volume.remove', () => {
  const cmd = {
    commandId: 'c',
    type: 'volume.remove',
    version: 1,
    actor: { kind: 'cli', id: 'alice', displayName: 'alice' },
    source: 'test',
    payload: { volume: 'sacp-aaa-workspace' },
  } as CommandEnvelope<RemoveVolumePayloadV1>;
  const deps = (over: { labels?: Record<string, string> | null; observed?: AgentState['observed']; usedBy?: readonly string[] } = {}) => {
    const removed: string[] = [];
    const d: RemoveVolumeDeps = {
      docker: {
        inspectVolume: async (name) => (over.labels === null ? null : { name, labels: over.labels ?? LABELS }),
        volumeUsers: async () => [...(over.usedBy ?? [])],
        removeVolume: async (name) => void removed.push(name),
      },
      agents: { load: async () => ({ state: { exists: true, observed: over.observed ?? 'removed', name: 'coder-1' } as AgentState, events: [] }) },
      store: { streamVersion: async () => 0 },
      identity: async () => ({ instance: 'sacp', store: 'store-1' }),
      lastSize: () => 8192,
    };
    return { d, removed };
  };

  test('an orphan is removed from Docker and recorded on its stream with who asked and its last size', async () => {
    const { d, removed } = deps();
    const outcome = await removeOrphanVolume(cmd, d);
    assert.deepEqual(removed, ['sacp-aaa-workspace']);
    assert.equal(outcome.appends[0]!.streamId, 'volume-sacp-aaa-workspace');
    assert.deepEqual(outcome.appends[0]!.events[0]!.data, {
      volume: 'sacp-aaa-workspace',
      kind: 'workspace',
      agentId: AGENT,
      agentName: 'coder-1',
      by: 'operator',
      requestedBy: { kind: 'cli', id: 'alice', displayName: 'alice' },
      sizeBytes: 8192,
    });
    assert.deepEqual(outcome.result, { volume: 'sacp-aaa-workspace', agentId: AGENT, agentName: 'coder-1', removed: true });
  });

  test('refused before Docker is touched: a living agent, another store, still mounted, none', async () => {
    for (const [over, code] of [
      [{ observed: 'running' }, 'VOLUME.NOT_ORPHANED'],
      [{ labels: { ...LABELS, 'sacp.store': 'store-2' } }, 'VOLUME.NOT_OURS'],
      [{ usedBy: ['x'] }, 'VOLUME.IN_USE'],
      [{ labels: null }, 'VOLUME.NOT_FOUND'],
    ] as const) {
      const { d, removed } = deps(over);
      await assert.rejects(removeOrphanVolume(cmd, d), (err: { code?: string }) => err.code === code);
      assert.deepEqual(removed, [], code);
    }
  });
});
