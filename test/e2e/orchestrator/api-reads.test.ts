import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { START, checkpointOf, foldRegistry, registryRowOf, type RegistryEntry } from '@sacp/event-store';
import type { AgentStatusView, AlertView, AuditEntryView, CommandView, QueryReply, TemplateDetailView, TemplateDiffView, TemplateVersionView } from '@sacp/events';
import { registryView } from '../../../apps/orchestrator/src/queries/agent-registry.reader';
import { FIXTURE_CONFIG_DIR, MONITOR_TEST_ACTOR, TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

const configDir = mkdtempSync(join(tmpdir(), 'sacp-configs-'));
cpSync(FIXTURE_CONFIG_DIR, configDir, { recursive: true });
const API_ACTOR = { kind: 'api' as const, id: 'usr_1', displayName: 'alice' };

/** The reads the HTTP API needs, against a real orchestrator, Postgres, NATS and Docker. */
describe('reads for the HTTP API: the fleet as it was, filters, templates, audit, commands, alerts', () => {
  const cp = new TestControlPlane({ configDir });
  const ok = <R>(r: QueryReply<R>): R => {
    assert.ok(r.ok, JSON.stringify(r));
    return r.result;
  };
  const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);
  const names = (views: AgentStatusView[]) => views.map((a) => a.name);
  let runningAt = '';
  let liveBeforeStop: AgentStatusView[] = [];
  let readsId = '';

  beforeAll(async () => {
    await cp.start();
  });
  afterAll(async () => {
    await cp.stop();
    rmSync(configDir, { recursive: true, force: true });
  });

  test('agent.status with at: before a stop it equals the live list then and a replay up to its event; a removed agent shows before its removal', async () => {
    readsId = await cp.deploy('sim', 'reads-1');
    await cp.waitForAgent(readsId, (a) => a.state.observed === 'running', 'running');
    liveBeforeStop = ok(await cp.query<AgentStatusView[]>('agent.status', {}));
    runningAt = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 50));
    assert.ok((await cp.command('agent.stop', { agent: 'reads-1' })).ok);
    await cp.waitForAgent(readsId, (a) => a.state.observed === 'stopped', 'stopped');

    const then = await cp.query<AgentStatusView[]>('agent.status', { at: runningAt });
    assert.ok(then.ok && then.asOf, JSON.stringify(then));
    assert.deepEqual(then.result, liveBeforeStop, 'the fleet at that moment is what the live read model showed then');
    assert.equal(then.asOf.at, runningAt);

    // a replay up to the reply's position: the projection's fold over the events in commit order
    const store = await cp.eventStore();
    const entries = new Map<string, RegistryEntry>();
    for (let cp0 = START; ;) {
      const batch = (await store.readAll(cp0, 1000)).filter((e) => BigInt(e.globalPosition) <= BigInt(then.asOf!.position));
      if (!batch.length) break;
      foldRegistry(entries, batch);
      cp0 = checkpointOf(batch[batch.length - 1]!);
    }
    const replay = [...entries.values()].filter((e) => e.state.exists && e.state.observed !== 'removed').map((e) => registryView(registryRowOf(e)));
    assert.deepEqual(then.result, replay);
    const stopEvent = await cp.pool.query<{ p: string }>(`select global_position::text as p from events where stream_id = $1 and type = 'agent.stop_requested'`, [
      `agent-${readsId}`,
    ]);
    assert.ok(BigInt(then.asOf.position) < BigInt(stopEvent.rows[0]!.p), 'the stop is after the position folded');

    const now = ok(await cp.query<AgentStatusView[]>('agent.status', { at: new Date().toISOString() }));
    assert.equal(now.find((a) => a.id === readsId)?.state.observed, 'stopped');

    assert.ok((await cp.command('agent.remove', { agent: 'reads-1' })).ok);
    await cp.waitForAgent(readsId, (a) => a.state.observed === 'removed', 'removed');
    assert.deepEqual(names(ok(await cp.query<AgentStatusView[]>('agent.status', {}))), []);
    assert.deepEqual(names(ok(await cp.query<AgentStatusView[]>('agent.status', { at: runningAt }))), ['reads-1']);
    const one = await cp.query<AgentStatusView[]>('agent.status', { agent: 'reads-1', at: runningAt });
    assert.equal(ok(one)[0]!.state.observed, 'running');
    assert.equal(code(await cp.query('agent.status', { agent: 'reads-1', at: new Date().toISOString() })), 'AGENT.NOT_FOUND');
    assert.equal(code(await cp.query('agent.status', { at: 'yesterday' })), 'COMMAND.MALFORMED');
  });

  test('agent.status filters: desired, observed, template, health and a part of the name, live and at a moment', async () => {
    const a = await cp.deploy('sim', 'filter-alpha');
    const b = await cp.deploy('sleepy', 'filter-beta');
    await cp.waitForAgent(a, (v) => v.state.observed === 'running', 'running');
    await cp.waitForAgent(b, (v) => v.state.observed === 'running', 'running');
    await cp.command('agent.stop', { agent: 'filter-beta' });
    await cp.waitForAgent(b, (v) => v.state.observed === 'stopped', 'stopped');
    const at = new Date().toISOString();
    for (const extra of [{}, { at }]) {
      const list = async (f: Record<string, string>) => names(ok(await cp.query<AgentStatusView[]>('agent.status', { ...f, ...extra })));
      assert.deepEqual(await list({ q: 'FILTER' }), ['filter-alpha', 'filter-beta']);
      assert.deepEqual(await list({ q: 'beta' }), ['filter-beta']);
      assert.deepEqual(await list({ desired: 'running' }), ['filter-alpha']);
      assert.deepEqual(await list({ observed: 'stopped' }), ['filter-beta']);
      assert.deepEqual(await list({ template: 'sleepy' }), ['filter-beta']);
      assert.deepEqual(await list({ health: 'unhealthy' }), []);
    }
    assert.equal(code(await cp.query('agent.status', { health: 'great' })), 'COMMAND.MALFORMED');
  });

  test('templates: one template with who runs which version, its versions, one version, and a diff', async () => {
    const before = ok(await cp.query<TemplateDetailView>('template.get', { name: 'sim' }));
    assert.equal(before.version, 1);
    assert.equal(before.source, 'file');
    assert.deepEqual(before.agents, [{ agent: 'filter-alpha', agentId: before.agents[0]!.agentId, version: 1 }]);

    const file = join(configDir, 'agents/sim.json');
    const sim = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...sim, resources: { ...sim.resources, memory: '96m' } }));
    const changed = ok(await cp.query<TemplateDetailView>('template.get', { name: 'sim' }));
    assert.equal(changed.changedSinceRegistered, true);
    await cp.deploy('sim', 'filter-gamma');

    const versions = ok(await cp.query<TemplateVersionView[]>('template.versions', { name: 'sim' }));
    assert.deepEqual(
      versions.map((v) => v.version),
      [2, 1],
    );
    assert.equal(versions[0]!.actor.displayName, 'Test Operator');
    assert.ok(versions[0]!.hash.startsWith('sha256:') && !('definition' in versions[0]!));
    const v1 = ok(await cp.query<{ definition: { resources: { memory: string } } }>('template.version', { name: 'sim', version: 1 }));
    assert.equal(v1.definition.resources.memory, '64m');
    const diff = ok(await cp.query<TemplateDiffView>('template.diff', { name: 'sim', from: 1, to: 2 }));
    assert.deepEqual(diff.changes, [{ path: '/resources/memory', kind: 'changed', before: '64m', after: '96m' }]);
    const after = ok(await cp.query<TemplateDetailView>('template.get', { name: 'sim' }));
    assert.equal(after.version, 2);
    assert.deepEqual(after.agents.map((x) => [x.agent, x.version]).sort(), [
      ['filter-alpha', 1],
      ['filter-gamma', 2],
    ]);

    assert.equal(code(await cp.query('template.get', { name: 'no-such' })), 'TEMPLATE.NOT_FOUND');
    assert.equal(code(await cp.query('template.version', { name: 'sim', version: 9 })), 'TEMPLATE.NOT_FOUND');
    assert.equal(code(await cp.query('template.diff', { name: 'sim', from: 1, to: 9 })), 'TEMPLATE.NOT_FOUND');
    assert.equal(code(await cp.query('template.versions', { name: 'Bad Name' })), 'COMMAND.MALFORMED');
  });

  test('audit.list by agent and time range; command.get follows one command', async () => {
    const byAgent = ok(await cp.query<AuditEntryView[]>('audit.list', { agent: 'filter-beta' }));
    assert.deepEqual(
      byAgent.map((e) => e.commandType),
      ['agent.stop', 'agent.deploy'],
    );
    const removed = ok(await cp.query<AuditEntryView[]>('audit.list', { agent: readsId }));
    assert.deepEqual(
      removed.map((e) => e.commandType),
      ['agent.remove', 'agent.stop', 'agent.deploy'],
      'a removed agent by its id: the commands that named it',
    );
    const until = ok(await cp.query<AuditEntryView[]>('audit.list', { to: runningAt }));
    assert.deepEqual(
      until.map((e) => e.commandType),
      ['agent.deploy'],
    );
    const since = ok(await cp.query<AuditEntryView[]>('audit.list', { from: runningAt, commandType: 'agent.deploy' }));
    assert.deepEqual(since.map((e) => e.commandType).length, 3);
    assert.equal(code(await cp.query('audit.list', { from: 'last week' })), 'COMMAND.MALFORMED');

    const sent = await cp.command('agent.stop', { agent: 'filter-alpha' }, { commandId: 'follow-me-1' });
    assert.ok(sent.ok);
    await cp.command('agent.stop', { agent: 'filter-alpha' }, { commandId: 'follow-me-1' });
    const c = ok(await cp.query<CommandView>('command.get', { commandId: 'follow-me-1' }));
    assert.equal(c.outcome, 'accepted');
    assert.equal(c.commandType, 'agent.stop');
    assert.deepEqual(
      c.entries.map((e) => e.outcome),
      ['accepted', 'duplicate'],
    );
    assert.deepEqual(
      c.events.map((e) => e.type),
      ['agent.stop_requested'],
    );
    const refused = await cp.command('agent.stop', { agent: 'nobody' }, { commandId: 'follow-me-2' });
    assert.equal(code(refused), 'AGENT.NOT_FOUND');
    const r = ok(await cp.query<CommandView>('command.get', { commandId: 'follow-me-2' }));
    assert.deepEqual([r.outcome, r.errorCode, r.events], ['rejected', 'AGENT.NOT_FOUND', []]);
    assert.equal(code(await cp.query('command.get', { commandId: 'never-sent' })), 'COMMAND.NOT_FOUND');
  });

  test('alerts: raised by the monitor, listed open and past, acknowledged by an operator (from the API credential), resolved', async () => {
    const raise = (key: string, agent: string | null) =>
      cp.command('alert.raise', { key, severity: 'warning', agent, cause: 'test', message: `${key} is up` }, { actor: MONITOR_TEST_ACTOR });
    assert.ok((await raise('reads:one', 'filter-alpha')).ok);
    assert.ok((await raise('reads:host', null)).ok);
    const open = () => cp.query<AlertView[]>('alert.list', {});
    const list = await waitFor('both alerts listed', async () => {
      const l = ok(await open());
      return l.length === 2 ? l : null;
    });
    assert.deepEqual(
      list.map((a) => [a.key, a.state, a.agentName]),
      [
        ['reads:host', 'open', null],
        ['reads:one', 'open', 'filter-alpha'],
      ],
    );
    assert.deepEqual(
      ok(await cp.query<AlertView[]>('alert.list', { agent: 'filter-alpha' })).map((a) => a.key),
      ['reads:one'],
    );

    const ack = await cp.command<{ changed: boolean; alertId: string }>('alert.acknowledge', { key: 'reads:one', note: 'looking' }, { actor: API_ACTOR });
    assert.ok(ack.ok, JSON.stringify(ack));
    assert.equal(ack.result.alertId, list[1]!.alertId);
    const again = await cp.command<{ changed: boolean }>('alert.acknowledge', { alertId: list[1]!.alertId });
    assert.ok(again.ok && again.result.changed === false);
    const acked = await waitFor('the acknowledgement to be listed', async () => ok(await open()).find((a) => a.key === 'reads:one' && a.acknowledged));
    assert.equal(acked.acknowledged!.by.displayName, 'alice');
    assert.equal(acked.acknowledged!.note, 'looking');

    assert.ok((await cp.command('alert.resolve', { key: 'reads:one', message: 'over' }, { actor: MONITOR_TEST_ACTOR })).ok);
    await waitFor('the resolved alert to leave the open list', async () => ok(await open()).length === 1);
    const all = ok(await cp.query<AlertView[]>('alert.list', { state: 'all' }));
    const past = all.find((a) => a.key === 'reads:one')!;
    assert.deepEqual([past.state, past.resolved?.message, past.acknowledged?.note], ['resolved', 'over', 'looking']);

    assert.equal(code(await cp.command('alert.acknowledge', { key: 'reads:one' })), 'ALERT.RESOLVED');
    assert.equal(code(await cp.command('alert.acknowledge', { key: 'reads:never' })), 'ALERT.NOT_FOUND');
    assert.equal(code(await cp.command('alert.acknowledge', { alertId: 'no-such-id' })), 'ALERT.NOT_FOUND');
    assert.equal(code(await cp.command('alert.acknowledge', {})), 'COMMAND.MALFORMED');
    assert.ok((await raise('reads:one', 'filter-alpha')).ok);
    assert.equal(code(await cp.command('alert.acknowledge', { alertId: past.alertId })), 'ALERT.RESOLVED', 'an older alert of a key that is open again');
    await assert.rejects(cp.command('alert.acknowledge', { key: 'reads:host' }, { actor: MONITOR_TEST_ACTOR }), { code: 'BUS.FORBIDDEN' }, 'the monitor may not even publish it');

    const page1 = await cp.query<AlertView[]>('alert.list', { state: 'all', pageSize: 2 });
    assert.ok(page1.ok && page1.nextCursor && page1.result.length === 2);
    const page2 = ok(await cp.query<AlertView[]>('alert.list', { state: 'all', pageSize: 2, cursor: page1.nextCursor }));
    assert.equal(page2.length, 1);
  });
});
