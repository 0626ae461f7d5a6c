import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { foldRegistry, registryRowOf, type Checkpoint, type EventStore, type RegistryEntry } from '@sacp/event-store';
import type { StoredEvent } from '@sacp/events';
import { foldFleetAt, readAgentAt, readFleetAtPage } from '../../../apps/orchestrator/src/queries/fleet-at';
import { registryView } from '../../../apps/orchestrator/src/queries/agent-registry.reader';

const T0 = Date.parse('2026-11-26T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const A = '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b10';
const B = '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b11';

/** A history, one event a second, each in its own transaction. */
function history(): StoredEvent[] {
  const events: StoredEvent[] = [];
  const versions = new Map<string, number>();
  const add = (streamId: string, type: string, data: Record<string, unknown>) => {
    const n = events.length + 1;
    const pos = (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, pos);
    events.push({
      eventId: `e${n}`,
      type,
      schemaVersion: 1,
      streamId,
      streamPosition: pos,
      globalPosition: String(n),
      transactionId: String(1000 + n),
      data,
      metadata: { commandId: null, correlationId: 'c', causationId: null, actor: { kind: 'cli', id: 'u', displayName: 'u' }, source: 't', reason: null, occurredAt: at(n) },
      recordedAt: at(n),
    } as unknown as StoredEvent);
  };
  const agent = (id: string, name: string, template: string) => {
    add(`agent-${id}`, 'agent.deployed', { agentId: id, name, template: { name: template, version: 1, hash: 'sha256:1' }, generation: 1 });
    add(`agent-${id}`, 'agent.container_created', { agentId: id, containerId: `c-${name}`, containerName: `sacp-${name}`, generation: 1 });
    add(`agent-${id}`, 'agent.container_started', { agentId: id, containerId: `c-${name}` });
  };
  agent(A, 'coder-1', 'grok4'); // 1..3
  agent(B, 'reviewer-1', 'claude'); // 4..6
  add(`alert-k1`, 'alert.raised', { key: 'k1', severity: 'warning', agentId: A, agentName: 'coder-1', cause: 'memory', message: 'high', lastLogLines: [] }); // 7
  add(`agent-${A}`, 'agent.stop_requested', { agentId: A }); // 8
  add(`agent-${A}`, 'agent.container_stopped', { agentId: A, containerId: 'c-coder-1', exitCode: 0 }); // 9
  add(`agent-${B}`, 'agent.remove_requested', { agentId: B }); // 10
  add(`agent-${B}`, 'agent.removed', { agentId: B, name: 'reviewer-1' }); // 11
  return events;
}

/** The commit-safe reader over a fixed history. */
function storeOf(events: StoredEvent[]): EventStore {
  return {
    readAll: async (after: Checkpoint, limit = 500) => events.filter((e) => BigInt(e.transactionId) > BigInt(after.transactionId)).slice(0, limit),
  } as unknown as EventStore;
}

/** What a replay up to `position` shows: the projection's fold over those events, as the registry's rows. */
function replayUpTo(events: StoredEvent[], position: string) {
  const entries = new Map<string, RegistryEntry>();
  foldRegistry(
    entries,
    events.filter((e) => BigInt(e.globalPosition) <= BigInt(position)),
  );
  return [...entries.values()].filter((e) => e.state.exists && e.state.observed !== 'removed').map((e) => registryView(registryRowOf(e)));
}

describe('agent.status at a moment: the registry folded in memory up to it', () => {
  const events = history();
  const store = storeOf(events);

  test('before a stop, the agent runs; the reply names the last event folded, and equals a replay up to it', async () => {
    const page = await readFleetAtPage(store, { at: at(7.5), pageSize: 100 });
    assert.equal(page.asOf.position, '7');
    assert.deepEqual(page.result, replayUpTo(events, '7'));
    assert.deepEqual(
      page.result.map((a) => [a.name, a.state.desired, a.state.observed]),
      [
        ['coder-1', 'running', 'running'],
        ['reviewer-1', 'running', 'running'],
      ],
    );
    assert.equal(page.result[0]!.lastAlert?.key, 'k1', 'the alert raised about it is its last alert');
  });

  test('after the stop and the removal: stopped, and the removed agent is gone', async () => {
    const page = await readFleetAtPage(store, { at: at(60), pageSize: 100 });
    assert.equal(page.asOf.position, '11');
    assert.deepEqual(
      page.result.map((a) => [a.name, a.state.desired, a.state.observed]),
      [['coder-1', 'stopped', 'stopped']],
    );
  });

  test('a removed agent shows at a moment before its removal, by name then and by id', async () => {
    assert.equal((await readAgentAt(store, 'reviewer-1', at(9))).result[0]!.id, B);
    assert.equal((await readAgentAt(store, B, at(60))).result[0]!.state.observed, 'removed', 'by id, even once removed');
    await assert.rejects(readAgentAt(store, 'reviewer-1', at(60)), { code: 'AGENT.NOT_FOUND' });
    await assert.rejects(readAgentAt(store, 'coder-1', at(0.5)), { code: 'AGENT.NOT_FOUND' }, 'before it was deployed');
  });

  test('before the first event: no agents, position 0', async () => {
    const fleet = await foldFleetAt(store, at(-5));
    assert.equal(fleet.asOf.position, '0');
    assert.equal(fleet.entries.size, 0);
  });

  test('filters: desired, observed, template, health, a part of the name in any case', async () => {
    const names = async (f: Record<string, string>) => (await readFleetAtPage(store, { at: at(8.5), pageSize: 100, ...f })).result.map((a) => a.name);
    assert.deepEqual(await names({ desired: 'stopped' }), ['coder-1']);
    assert.deepEqual(await names({ observed: 'running' }), ['coder-1', 'reviewer-1']);
    assert.deepEqual(await names({ template: 'claude' }), ['reviewer-1']);
    assert.deepEqual(await names({ health: 'healthy' }), []);
    assert.deepEqual(await names({ q: 'VIEW' }), ['reviewer-1']);
  });

  test('pages: a cursor carries on in the same order, and is refused for another moment', async () => {
    const first = await readFleetAtPage(store, { at: at(7.5), pageSize: 1 });
    assert.deepEqual(
      first.result.map((a) => a.name),
      ['coder-1'],
    );
    assert.ok(first.nextCursor);
    const second = await readFleetAtPage(store, { at: at(7.5), pageSize: 1, cursor: first.nextCursor });
    assert.deepEqual(
      second.result.map((a) => a.name),
      ['reviewer-1'],
    );
    assert.equal(second.nextCursor, undefined);
    await assert.rejects(readFleetAtPage(store, { at: at(8.5), pageSize: 1, cursor: first.nextCursor }), { code: 'QUERY.CURSOR_INVALID' });
  });

  test('the fold reads in batches and stops at the first event recorded after the moment', async () => {
    let reads = 0;
    const counting = { readAll: async (cp: Checkpoint, limit?: number) => (reads++, store.readAll(cp, limit)) } as unknown as EventStore;
    await foldFleetAt(counting, at(3.5));
    assert.equal(reads, 1);
  });
});
