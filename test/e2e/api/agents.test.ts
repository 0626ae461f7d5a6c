import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestApi } from '../../support/api';
import { TestControlPlane } from '../../support/control-plane';
import { dockerTestContext, removeTestObjects, testAgentSpec } from '../../support/docker';
import { waitFor } from '../../support/ports';
import { readEvents } from '../../support/sse';

describe('agents over HTTP: deploy, watch, change and remove (real api, orchestrator, Docker)', () => {
  const cp = new TestControlPlane();
  const api = new TestApi(cp);
  const docker = dockerTestContext();
  let operator = '';
  let viewer = '';
  beforeAll(async () => {
    await cp.start();
    await api.start();
    operator = (await api.createToken('ops', 'operator')).token;
    viewer = (await api.createToken('watcher', 'viewer')).token;
  }, 120_000);
  afterAll(async () => {
    await api.stop();
    await cp.stop();
    await removeTestObjects(docker).catch(() => undefined);
  });

  test('a deploy answers 202 with the command id and links; the agent appears and runs', async () => {
    const r = await api.request('POST', '/api/v1/agents', { token: operator, body: { template: 'sim', name: 'web-1', reason: 'first agent over HTTP' } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.duplicate, false);
    assert.equal(r.body.result.name, 'web-1');
    assert.deepEqual(r.body.events.map((e: { type: string }) => e.type).includes('agent.deployed'), true);
    assert.equal(r.body.links.agent, '/api/v1/agents/web-1');
    assert.equal(r.body.links.command, `/api/v1/commands/${r.body.commandId}`);
    const running = await waitFor('web-1 running', async () => {
      const a = await api.request('GET', '/api/v1/agents/web-1', { token: viewer });
      return a.status === 200 && a.body.state.observed === 'running' ? a.body : null;
    });
    assert.equal(running.template.name, 'sim');
    const list = await api.request('GET', '/api/v1/agents', { token: viewer });
    assert.deepEqual(
      list.body.items.map((a: { name: string }) => a.name),
      ['web-1'],
    );
  });

  test('the same Idempotency-Key twice deploys once; with another body it is refused with 409', async () => {
    const headers = { 'idempotency-key': 'deploy-web-2-attempt-1' };
    const first = await api.request('POST', '/api/v1/agents', { token: operator, headers, body: { template: 'sim', name: 'web-2' } });
    const again = await api.request('POST', '/api/v1/agents', { token: operator, headers, body: { template: 'sim', name: 'web-2' } });
    assert.equal(first.status, 202);
    assert.equal(again.status, 202);
    assert.equal(again.body.commandId, first.body.commandId);
    assert.equal(again.body.duplicate, true);
    assert.equal(again.body.result.agentId, first.body.result.agentId);
    const other = await api.request('POST', '/api/v1/agents', { token: operator, headers, body: { template: 'sim', name: 'web-3' } });
    assert.equal(other.status, 409);
    assert.equal(other.body.code, 'COMMAND.ID_REUSED');
    const names = (await cp.status()).map((a) => a.name).sort();
    assert.deepEqual(names, ['web-1', 'web-2']);
    const bad = await api.request('POST', '/api/v1/agents', { token: operator, headers: { 'idempotency-key': 'no spaces allowed' }, body: { template: 'sim' } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /Idempotency-Key/);
  });

  test('stop, start and restart answer 202 and the agent follows; each is in its history with actor and reason; ?at= shows the fleet before the stop', async () => {
    // a settled fleet: the read model lags the events a little, and ?at= answers from the events
    const before = await waitFor('both agents running', async () => {
      type Row = { name: string; state: { observed: string }; template: object; restarts: number; health: string };
      const items = (await api.request('GET', '/api/v1/agents', { token: viewer })).body.items as Row[];
      return items.length === 2 && items.every((a) => a.state.observed === 'running') ? items : null;
    });
    await new Promise((r) => setTimeout(r, 20));
    const beforeStop = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const stop = await api.request('POST', '/api/v1/agents/web-1/stop', { token: operator, body: { reason: 'maintenance window' } });
    assert.equal(stop.status, 202, JSON.stringify(stop.body));
    await waitFor('web-1 stopped', async () => ((await api.request('GET', '/api/v1/agents/web-1', { token: viewer })).body.state.observed !== 'running' ? true : null));
    assert.equal((await api.request('POST', '/api/v1/agents/web-1/start', { token: operator, body: {} })).status, 202);
    await waitFor('web-1 running again', async () => ((await api.request('GET', '/api/v1/agents/web-1', { token: viewer })).body.state.observed === 'running' ? true : null));
    assert.equal((await api.request('POST', '/api/v1/agents/web-1/restart', { token: operator })).status, 202);
    const history = await api.request('GET', '/api/v1/agents/web-1/history', { token: viewer });
    assert.equal(history.status, 200);
    const stopEntry = history.body.items.find((e: { type: string }) => e.type === 'agent.stop_requested');
    assert.equal(stopEntry.reason, 'maintenance window');
    assert.equal(stopEntry.actor.kind, 'api');
    assert.match(stopEntry.actor.id, /^token:/);
    assert.match(stopEntry.actor.displayName, /token ops/);
    const then = await api.request('GET', `/api/v1/agents?at=${encodeURIComponent(beforeStop)}`, { token: viewer });
    assert.equal(then.status, 200);
    const view = (a: { name: string; state: object; template: object; restarts: number; health: string }) => JSON.stringify([a.name, a.state, a.template, a.restarts, a.health]);
    assert.deepEqual(then.body.items.map(view), before.map(view), 'the fleet at that time is the fleet as it was listed then');
    assert.match(then.body.asOf.position, /^\d+$/);
    const one = await api.request('GET', `/api/v1/agents/web-1?at=${encodeURIComponent(beforeStop)}`, { token: viewer });
    assert.equal(one.body.state.desired, 'running');
    assert.equal((await api.request('GET', '/api/v1/agents?at=yesterday', { token: viewer })).status, 400);
    const why = await api.request('GET', '/api/v1/agents/web-1/why', { token: viewer });
    assert.equal(why.status, 200);
    assert.ok(why.body.steps.length >= 1);
    assert.ok(why.body.steps.every((s: { summary: string; actor: unknown }) => typeof s.summary === 'string' && s.actor));
  });

  test('logs as a page, and followed live as Server-Sent Events', async () => {
    await waitFor('a heartbeat in the log', async () => {
      const page = await api.request('GET', '/api/v1/agents/web-2/logs?lines=20', { token: viewer });
      return page.status === 200 && page.body.lines.some((l: { line: string }) => l.line.includes('heartbeat')) ? true : null;
    });
    const res = await fetch(api.url('/api/v1/agents/web-2/logs/stream?lines=1'), { headers: { authorization: `Bearer ${viewer}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /text\/event-stream/);
    const events = await readEvents(res, (ev) => ev.filter((e) => e.event === 'message').length >= 3, 15_000);
    assert.equal(events[0]!.event, 'ready');
    const lines = events.filter((e) => e.event === 'message');
    assert.ok(lines.length >= 3, `3 lines arrived live (got ${lines.length})`);
    assert.ok(lines.every((l) => typeof l.data?.line === 'string' && typeof l.data.stream === 'string'));
    const unknown = await fetch(api.url('/api/v1/agents/nobody/logs/stream'), { headers: { authorization: `Bearer ${viewer}` } });
    assert.equal(unknown.status, 404);
  });

  test('errors: an unknown agent is 404, an unknown template 404, a bad name 400, a viewer 403; nothing changes', async () => {
    const unknown = await api.request('POST', '/api/v1/agents/nobody/stop', { token: operator });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'AGENT.NOT_FOUND');
    assert.equal((await api.request('GET', '/api/v1/agents/nobody', { token: viewer })).status, 404);
    const noTemplate = await api.request('POST', '/api/v1/agents', { token: operator, body: { template: 'no-such-template' } });
    assert.equal(noTemplate.status, 404);
    assert.equal(noTemplate.body.code, 'TEMPLATE.NOT_FOUND');
    const badName = await api.request('POST', '/api/v1/agents', { token: operator, body: { template: 'sim', name: '../etc' } });
    assert.equal(badName.status, 400);
    assert.equal(badName.body.details.issues[0].field, 'name');
    const asViewer = await api.request('POST', '/api/v1/agents/web-1/stop', { token: viewer });
    assert.equal(asViewer.status, 403);
    assert.equal(asViewer.body.code, 'AUTH.ROLE_FORBIDDEN');
    const refusal = await waitFor('the refusal in the event log', async () => {
      const { rows } = await cp.pool.query<{ data: { command: string; arguments: object; required: string; held: string; message: string }; actor: string }>(
        "select data, metadata->'actor'->>'displayName' as actor from events where type = 'access.refused'",
      );
      return rows[0];
    });
    assert.deepEqual(
      { ...refusal.data, arguments: { ...refusal.data.arguments } },
      {
        command: 'POST /api/v1/agents/:agent/stop',
        arguments: { agent: 'web-1' },
        required: 'operator',
        held: 'viewer',
        message: 'POST /api/v1/agents/:agent/stop needs the operator role; watcher has viewer',
      },
    );
    assert.equal(refusal.actor, 'token watcher');
    assert.equal((await api.request('GET', '/api/v1/agents?limit=0', { token: viewer })).status, 400);
    assert.equal((await api.request('GET', '/api/v1/agents?bogus=1', { token: viewer })).status, 400);
  });

  test('adopt brings a running container under management (202); an unknown container is 404', async () => {
    const created = await cp.docker.createContainer(testAgentSpec(docker, 'legacy'));
    await cp.docker.start(created.id);
    const r = await api.request('POST', '/api/v1/agents/adopt', { token: operator, body: { container: docker.name('legacy'), name: 'legacy-1', reason: 'take it over' } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.result.containerId, created.id);
    assert.equal(r.body.links.agent, '/api/v1/agents/legacy-1');
    // the read model follows the events a moment later
    const a = await waitFor('legacy-1 in the read model', async () => {
      const r = await api.request('GET', '/api/v1/agents/legacy-1', { token: viewer });
      return r.status === 200 ? r.body : null;
    });
    assert.equal(a.containerId, created.id);
    const missing = await api.request('POST', '/api/v1/agents/adopt', { token: operator, body: { container: 'no-such-container-here' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, 'CONTAINER.NOT_FOUND');
    assert.equal((await api.request('DELETE', '/api/v1/agents/legacy-1', { token: operator })).status, 202);
  });

  test('remove answers 202; the agent and its container go, and ?at= still shows it as it was', async () => {
    const web2 = async () => (await cp.containers()).filter((c) => c.labels['sacp.agent.name'] === 'web-2').length;
    assert.equal(await web2(), 1);
    const beforeRemove = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const r = await api.request('DELETE', '/api/v1/agents/web-2', { token: operator, body: { reason: 'done' } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    await waitFor('web-2 gone', async () => ((await web2()) === 0 ? true : null));
    const now = await waitFor('only web-1 wanted running', async () => {
      const r = await api.request('GET', '/api/v1/agents?desired=running', { token: viewer });
      return r.body.items.length === 1 ? r.body : null;
    });
    assert.deepEqual(
      now.items.map((a: { name: string }) => a.name),
      ['web-1'],
    );
    const timeline = await api.request('GET', '/api/v1/timeline', { token: viewer });
    assert.ok(Date.parse(timeline.body.first.at) < Date.parse(beforeRemove), 'the history begins before the removal');
    assert.ok(Date.parse(timeline.body.now) >= Date.parse(beforeRemove));
    const atFirst = await api.request('GET', `/api/v1/agents?at=${encodeURIComponent(timeline.body.first.at)}`, { token: viewer });
    assert.equal(atFirst.status, 200);
    const then = await api.request('GET', `/api/v1/agents/web-2?at=${encodeURIComponent(beforeRemove)}`, { token: viewer });
    assert.equal(then.status, 200);
    assert.equal(then.body.state.desired, 'running');
    const commandLink = await api.request('GET', r.body.links.command, { token: viewer });
    assert.equal(commandLink.status, 200);
    assert.equal(commandLink.body.outcome, 'accepted');
    assert.equal((await api.request('GET', '/api/v1/commands/no-such-command', { token: viewer })).body.code, 'COMMAND.NOT_FOUND');
  });

  test('on SIGTERM the api ends its open log streams with an "end" event and exits within seconds', async () => {
    const res = await fetch(api.url('/api/v1/agents/web-1/logs/stream?lines=1'), { headers: { authorization: `Bearer ${viewer}` } });
    assert.equal(res.status, 200);
    const reading = readEvents(res, (ev) => ev.some((e) => e.event === 'end'), 20_000);
    await new Promise((r) => setTimeout(r, 500));
    const replica = api.replicas[0]!;
    const proc = replica.proc!;
    const t0 = Date.now();
    proc.kill('SIGTERM');
    await replica.exited(15_000);
    // Nest closes the app, then ends the process with the signal it got
    assert.ok(proc.exitCode === 0 || proc.signalCode === 'SIGTERM', `exit ${proc.exitCode} ${proc.signalCode}`);
    assert.match(replica.logs, /"msg":"stopped"/);
    assert.ok(Date.now() - t0 < 10_000, `exited after ${Date.now() - t0} ms`);
    const events = await reading;
    assert.equal(events.at(-1)!.event, 'end');
    assert.match(String(events.at(-1)!.data?.reason), /shutting down/);
  });
});
